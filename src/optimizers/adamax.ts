// Adamax (Adam with the infinity norm) as torch.optim.Adamax: ε inside the max, only m bias-corrected.
import * as tf from '@tensorflow/tfjs';
import { L2_LATEX, withL2 } from './common';
import type { OptimizerInfo, Rule } from './types';

type State = { m: tf.Tensor; u: tf.Tensor };
type Coefficient = 'lr' | 'beta1' | 'oneMinusBeta1' | 'beta2' | 'bc1' | 'eps' | 'wd';
type Hp = 'learningRate' | 'beta1' | 'beta2' | 'epsilon' | 'weightDecay';

export const adamaxRule: Rule<State, Coefficient, Hp> = {
  init: (p) => ({ m: tf.zerosLike(p), u: tf.zerosLike(p) }),
  coefficients: (hp, t) => ({
    lr: hp.learningRate, eps: hp.epsilon, wd: hp.weightDecay,
    beta1: hp.beta1, oneMinusBeta1: 1 - hp.beta1, bc1: 1 - hp.beta1 ** t, beta2: hp.beta2,
  }),
  update({ m, u }, g, p, c, hp) {
    g = withL2(g, p, c.wd, hp.weightDecay);
    m = tf.add(tf.mul(c.beta1, m), tf.mul(c.oneMinusBeta1, g));
    u = tf.maximum(tf.mul(c.beta2, u), tf.add(tf.abs(g), c.eps));
    const param = tf.sub(p, tf.mul(tf.div(c.lr, c.bc1), tf.div(m, u)));
    return { param, state: { m, u } };
  },
};

export const adamaxInfo: OptimizerInfo = {
  name: 'adamax',
  displayName: 'Adamax',
  family: 'adam',
  defaults: { learningRate: 2e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 },
  torch: 'torch.optim.Adamax(params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)',
  latex: String.raw`\begin{aligned}
${L2_LATEX} \\
m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t \\
u_t &= \max(\beta_2\, u_{t-1},\ |g_t| + \epsilon) \\
\theta_t &= \theta_{t-1} - \frac{\eta}{1-\beta_1^t}\, \frac{m_t}{u_t}
\end{aligned}`,
  symbols: { '\\theta': 'p', g_t: 'g', m_t: 'm', u_t: 'u', '\\eta': 'lr', '\\beta_1': 'beta1', '\\beta_2': 'beta2', '1-\\beta_1^t': 'bc1', '\\epsilon': 'eps', '\\lambda': 'wd' },
  paper: { authors: 'D. P. Kingma, J. Ba', year: 2015, title: 'Adam: A Method for Stochastic Optimization (Section 7.1, AdaMax)', venue: 'ICLR 2015', url: 'https://arxiv.org/abs/1412.6980' },
  pros: ['The infinity norm u needs no bias correction and is robust to rare huge gradients (u tracks a max, not a mean of squares)', 'Step size bounded by η/(1−β₁ᵗ)'],
  cons: ['Rarely better than Adam in practice', 'One large gradient keeps u high for ~1/(1−β₂) steps, shrinking updates'],
  whenToUse: ['When Adam’s second-moment estimate is unstable (heavy-tailed gradients)', 'Embeddings and other sparse parameters'],
  seedNotes: [],
  tfjs: {
    builtin: 'tf.train.adamax(learningRate, beta1, beta2, epsilon, decay)',
    create: (hp) => tf.train.adamax(hp.learningRate, hp.beta1, hp.beta2, hp.epsilon, 0),
    differences: [
      { subject: 'epsilon', acts: 'always', text: 'ε is added to the denominator after the max, m/(u+ε) with u = max(β₂u, |g|), where torch puts ε inside the max, u = max(β₂u, |g|+ε).' },
      { subject: 'lr-decay', acts: 'schedule', text: 'The built-in also has an inverse-time decay of the learning rate (decay, default 0; createBuiltinOptimizer passes 0). Ours: inverseTimeDecay schedule.' },
      { subject: 'defaults', acts: 'builtin-default', text: 'Default ε is the backend epsilon (1e-7); createBuiltinOptimizer passes ours.' },
      { subject: 'weight-decay', acts: 'missing-option', text: 'No weight decay in the built-in.' },
    ],
  },
  stepByStep: { note: 'u is the largest |g| seen per coordinate, decayed by β₂ for every step since (here the first gradient, times 0.999 per step), so again the first step is η for both coordinates.' },
  sourceFile: 'src/optimizers/adamax.ts',
  notes: ['No seed covers Adamax.'],
};
