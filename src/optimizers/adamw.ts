// AdamW: Adam with decoupled weight decay θ ← θ(1 − ηλ), applied before the Adam step (torch.optim.AdamW).
import * as tf from '@tensorflow/tfjs';
import { ADAM_MOMENTS_LATEX, ADAM_SYMBOLS } from './adam';
import type { OptimizerInfo, Rule } from './types';

type State = { m: tf.Tensor; v: tf.Tensor };
type Coefficient = 'lr' | 'decay' | 'beta1' | 'oneMinusBeta1' | 'beta2' | 'oneMinusBeta2' | 'invBc1' | 'invBc2' | 'eps';
type Hp = 'learningRate' | 'beta1' | 'beta2' | 'epsilon' | 'weightDecay';

export const adamwRule: Rule<State, Coefficient, Hp> = {
  init: (p) => ({ m: tf.zerosLike(p), v: tf.zerosLike(p) }),
  coefficients: (hp, t) => ({
    lr: hp.learningRate, eps: hp.epsilon, decay: 1 - hp.learningRate * hp.weightDecay,
    beta1: hp.beta1, oneMinusBeta1: 1 - hp.beta1, invBc1: 1 / (1 - hp.beta1 ** t),
    beta2: hp.beta2, oneMinusBeta2: 1 - hp.beta2, invBc2: 1 / (1 - hp.beta2 ** t),
  }),
  update({ m, v }, g, p, c) {
    p = tf.mul(c.decay, p);
    m = tf.add(tf.mul(c.beta1, m), tf.mul(c.oneMinusBeta1, g));
    v = tf.add(tf.mul(c.beta2, v), tf.mul(c.oneMinusBeta2, tf.square(g)));
    const mHat = tf.mul(m, c.invBc1);
    const vHat = tf.mul(v, c.invBc2);
    const param = tf.sub(p, tf.div(tf.mul(c.lr, mHat), tf.add(tf.sqrt(vHat), c.eps)));
    return { param, state: { m, v } };
  },
};

export const adamwInfo: OptimizerInfo = {
  name: 'adamw',
  displayName: 'AdamW',
  family: 'adam',
  defaults: { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 1e-2 },
  torch: 'torch.optim.AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2)',
  latex: String.raw`\begin{aligned}
\theta'_{t-1} &= (1 - \eta\lambda)\, \theta_{t-1} \\
${ADAM_MOMENTS_LATEX} \\
\hat m_t &= m_t / (1-\beta_1^t) \\
\hat v_t &= v_t / (1-\beta_2^t) \\
\theta_t &= \theta'_{t-1} - \frac{\eta\, \hat m_t}{\sqrt{\hat v_t} + \epsilon}
\end{aligned}`,
  symbols: { ...ADAM_SYMBOLS, '\\lambda': 'weightDecay', "\\theta'_{t-1}": 'p (after decay)', '1-\\eta\\lambda': 'decay' },
  paper: { authors: 'I. Loshchilov, F. Hutter', year: 2019, title: 'Decoupled Weight Decay Regularization', venue: 'ICLR 2019', url: 'https://arxiv.org/abs/1711.05101' },
  pros: ['True weight decay: every weight shrinks by the same factor, not rescaled by Adam’s per-weight step', 'Usually generalizes better than Adam with L2; the decay is tunable independently of η', 'Default optimizer for transformers'],
  cons: ['One more hyperparameter (λ); torch’s default 0.01 is not always right', 'Same memory as Adam'],
  whenToUse: ['Whenever Adam is used with regularization', 'Transformers, large models, fine-tuning'],
  seedNotes: [],
  tfjs: null,
  stepByStep: { note: 'With λ = 0.01 and η = 0.1 the decay shrinks θ by 0.1% per step on top of Adam’s step: compare the θ after column with Adam’s table.' },
  sourceFile: 'src/optimizers/adamw.ts',
  notes: ['No seed covers AdamW. With weightDecay = 0 it is exactly Adam.', 'The decay uses the scheduled η of the step (torch multiplies by the current lr too).'],
};
