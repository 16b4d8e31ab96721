// Lion (EvoLved Sign Momentum, Chen et al. 2023): the sign of an interpolation of momentum and gradient,
// with decoupled weight decay, as in the paper's Program 1 and lion-pytorch.
import * as tf from '@tensorflow/tfjs';
import type { OptimizerInfo, Rule } from './types';

type State = { m: tf.Tensor };
type Coefficient = 'lr' | 'decay' | 'beta1' | 'oneMinusBeta1' | 'beta2' | 'oneMinusBeta2';
type Hp = 'learningRate' | 'beta1' | 'beta2' | 'weightDecay';

export const lionRule: Rule<State, Coefficient, Hp> = {
  init: (p) => ({ m: tf.zerosLike(p) }),
  coefficients: (hp) => ({
    lr: hp.learningRate, decay: 1 - hp.learningRate * hp.weightDecay,
    beta1: hp.beta1, oneMinusBeta1: 1 - hp.beta1, beta2: hp.beta2, oneMinusBeta2: 1 - hp.beta2,
  }),
  update({ m }, g, p, c) {
    const update = tf.sign(tf.add(tf.mul(c.beta1, m), tf.mul(c.oneMinusBeta1, g)));
    const param = tf.sub(tf.mul(c.decay, p), tf.mul(c.lr, update));
    m = tf.add(tf.mul(c.beta2, m), tf.mul(c.oneMinusBeta2, g));
    return { param, state: { m } };
  },
};

export const lionInfo: OptimizerInfo = {
  name: 'lion',
  displayName: 'Lion',
  family: 'sign',
  defaults: { learningRate: 1e-4, beta1: 0.9, beta2: 0.99, weightDecay: 0 },
  defaultsNote: 'Not in torch.optim; defaults of the paper and lion-pytorch (lr 1e-4, betas (0.9, 0.99), weight_decay 0). The paper advises an η 3–10× smaller and a λ 3–10× larger than for AdamW.',
  torch: 'lion_pytorch.Lion(params, lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0)',
  latex: String.raw`\begin{aligned}
c_t &= \operatorname{sign}\!\left(\beta_1 m_{t-1} + (1-\beta_1)\, g_t\right) \\
\theta_t &= (1 - \eta\lambda)\, \theta_{t-1} - \eta\, c_t \\
m_t &= \beta_2 m_{t-1} + (1-\beta_2)\, g_t
\end{aligned}`,
  symbols: { '\\theta': 'p', g_t: 'g', m_t: 'm', c_t: 'update', '\\eta': 'lr', '\\beta_1': 'beta1', '\\beta_2': 'beta2', '\\lambda': 'weightDecay', '1-\\eta\\lambda': 'decay' },
  paper: { authors: 'X. Chen, C. Liang, D. Huang, E. Real, K. Wang, Y. Liu, H. Pham, X. Dong, T. Luong, C.-J. Hsieh, Y. Lu, Q. V. Le', year: 2023, title: 'Symbolic Discovery of Optimization Algorithms', venue: 'NeurIPS 2023', url: 'https://arxiv.org/abs/2302.06675' },
  pros: ['One state buffer (half of Adam’s memory)', 'Every weight moves by exactly ±η per step: update size independent of gradient scale', 'Competitive with AdamW on large vision and language models'],
  cons: ['Needs a smaller learning rate (and larger weight decay) than AdamW; a poor η diverges or stalls', 'The sign discards magnitude: noisy with small batches', 'Newer, less tested across tasks'],
  whenToUse: ['Large models with large batches where optimizer memory matters', 'As an AdamW alternative when tuning budget allows'],
  seedNotes: [],
  tfjs: null,
  stepByStep: { note: 'Every entry of θ after differs from θ before by exactly η = 0.1 (times the sign): Lion’s steps have constant size, so near the minimum it oscillates with amplitude η unless the learning rate decays.' },
  sourceFile: 'src/optimizers/lion.ts',
  notes: ['No seed covers Lion.', 'sign(0) = 0: a weight with zero gradient and zero momentum does not move (except for the decay).'],
};
