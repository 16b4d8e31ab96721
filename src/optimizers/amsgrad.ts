// AMSGrad as torch writes it (Adam with amsgrad=True): keep the running maximum of the raw v,
// then bias-correct that maximum.
import * as tf from '@tensorflow/tfjs';
import { ADAM_MOMENTS_LATEX, ADAM_SYMBOLS, adamRule } from './adam';
import { L2_LATEX, withL2 } from './common';
import type { OptimizerInfo, Rule } from './types';

type State = { m: tf.Tensor; v: tf.Tensor; vMax: tf.Tensor };
type Coefficient = 'lr' | 'beta1' | 'oneMinusBeta1' | 'beta2' | 'oneMinusBeta2' | 'invBc1' | 'invBc2' | 'eps' | 'wd';
type Hp = 'learningRate' | 'beta1' | 'beta2' | 'epsilon' | 'weightDecay';

export const amsgradRule: Rule<State, Coefficient, Hp> = {
  init: (p) => ({ m: tf.zerosLike(p), v: tf.zerosLike(p), vMax: tf.zerosLike(p) }),
  coefficients: adamRule.coefficients,
  update({ m, v, vMax }, g, p, c, hp) {
    g = withL2(g, p, c.wd, hp.weightDecay);
    m = tf.add(tf.mul(c.beta1, m), tf.mul(c.oneMinusBeta1, g));
    v = tf.add(tf.mul(c.beta2, v), tf.mul(c.oneMinusBeta2, tf.square(g)));
    vMax = tf.maximum(vMax, v);
    const mHat = tf.mul(m, c.invBc1);
    const vHat = tf.mul(vMax, c.invBc2);
    const param = tf.sub(p, tf.div(tf.mul(c.lr, mHat), tf.add(tf.sqrt(vHat), c.eps)));
    return { param, state: { m, v, vMax } };
  },
};

export const amsgradInfo: OptimizerInfo = {
  name: 'amsgrad',
  displayName: 'AMSGrad',
  family: 'adam',
  defaults: { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 },
  torch: 'torch.optim.Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=True)',
  latex: String.raw`\begin{aligned}
${L2_LATEX} \\
${ADAM_MOMENTS_LATEX} \\
v^{\max}_t &= \max(v^{\max}_{t-1}, v_t) \\
\hat m_t &= m_t / (1-\beta_1^t) \\
\hat v_t &= v^{\max}_t / (1-\beta_2^t) \\
\theta_t &= \theta_{t-1} - \frac{\eta\, \hat m_t}{\sqrt{\hat v_t} + \epsilon}
\end{aligned}`,
  symbols: { ...ADAM_SYMBOLS, 'v^{\\max}_t': 'vMax' },
  paper: { authors: 'S. J. Reddi, S. Kale, S. Kumar', year: 2018, title: 'On the Convergence of Adam and Beyond', venue: 'ICLR 2018', url: 'https://openreview.net/forum?id=ryQu7f-RZ' },
  pros: ['Fixes Adam’s non-convergence counter-example: a falling second moment can no longer enlarge the step', 'Same hyperparameters as Adam'],
  cons: ['A third state buffer', 'In practice rarely better than Adam; can be slower once a large gradient has inflated v_max'],
  whenToUse: ['When Adam’s loss oscillates or diverges late in training', 'Problems with rare, large, informative gradients'],
  seedNotes: [
    {
      seed: '003',
      writes: String.raw`\hat{v}_t = \max(v_{t-1}, v_t), \quad \theta_{t+1} = \theta_t - \frac{\eta}{\sqrt{\hat{v}_t} + \epsilon} m_t`,
      difference: 'No bias correction of m or v̂, and the maximum taken over the previous and current v only (its text says "the maximum of all v_t", which is the running maximum we keep).',
      whyTorch: 'torch keeps the running maximum of the raw v and bias-corrects it (and m) like Adam, so AMSGrad equals Adam until v first decreases; without correction the first steps would be ~√(1−β₂)/(1−β₁) ≈ 0.3 times Adam’s.',
    },
  ],
  tfjs: null,
  stepByStep: { note: 'vMax is the running maximum of the raw second moment v (state v); the bias correction is applied to that maximum afterwards, v̂ = vMax/(1 − β₂ᵗ), as torch does. On this steady problem v only grows, so vMax equals v and AMSGrad takes exactly Adam’s steps (compare the tables). It departs from Adam only when v falls — after large gradients give way to small ones — and then keeps the larger denominator.' },
  sourceFile: 'src/optimizers/amsgrad.ts',
  notes: ['Reddi et al.’s Algorithm 2 also has no bias correction; torch (and so we) add it.'],
};
