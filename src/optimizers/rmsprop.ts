// RMSprop as torch.optim.RMSprop (not centered): a leaky average of g², ε outside the root, optional momentum.
import * as tf from '@tensorflow/tfjs';
import { L2_LATEX, withL2 } from './common';
import type { OptimizerInfo, Rule } from './types';

/** b exists only with momentum > 0 (torch creates no buffer otherwise). */
type State = { v: tf.Tensor; b?: tf.Tensor };
type Coefficient = 'lr' | 'rho' | 'oneMinusRho' | 'mu' | 'eps' | 'wd';
type Hp = 'learningRate' | 'rho' | 'momentum' | 'epsilon' | 'weightDecay';

export const rmspropRule: Rule<State, Coefficient, Hp> = {
  init: (p, hp) => (hp.momentum > 0 ? { v: tf.zerosLike(p), b: tf.zerosLike(p) } : { v: tf.zerosLike(p) }),
  coefficients: (hp) => ({
    lr: hp.learningRate, rho: hp.rho, oneMinusRho: 1 - hp.rho, mu: hp.momentum, eps: hp.epsilon, wd: hp.weightDecay,
  }),
  update({ v, b }, g, p, c, hp) {
    g = withL2(g, p, c.wd, hp.weightDecay);
    v = tf.add(tf.mul(c.rho, v), tf.mul(c.oneMinusRho, tf.square(g)));
    const step = tf.div(g, tf.add(tf.sqrt(v), c.eps));
    if (b === undefined) return { param: tf.sub(p, tf.mul(c.lr, step)), state: { v } };
    b = tf.add(tf.mul(c.mu, b), step);
    return { param: tf.sub(p, tf.mul(c.lr, b)), state: { v, b } };
  },
};

export const rmspropInfo: OptimizerInfo = {
  name: 'rmsprop',
  displayName: 'RMSprop',
  family: 'adaptive',
  defaults: { learningRate: 1e-2, rho: 0.99, momentum: 0, epsilon: 1e-8, weightDecay: 0 },
  defaultsNote: 'rho is torch’s alpha (0.99); Keras and tfjs default it to 0.9. torch’s centered variant is not offered.',
  torch: 'torch.optim.RMSprop(params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False)',
  latex: String.raw`\begin{aligned}
${L2_LATEX} \\
v_t &= \rho\, v_{t-1} + (1-\rho)\, g_t^2 \\
\text{if } \mu = 0:\quad \theta_t &= \theta_{t-1} - \eta\, \frac{g_t}{\sqrt{v_t} + \epsilon} \\
\text{if } \mu > 0:\quad b_t &= \mu\, b_{t-1} + \frac{g_t}{\sqrt{v_t} + \epsilon}, \quad \theta_t = \theta_{t-1} - \eta\, b_t
\end{aligned}`,
  symbols: { '\\theta': 'p', g_t: 'g', v_t: 'v', b_t: 'b', '\\frac{g_t}{\\sqrt{v_t}+\\epsilon}': 'step', '\\rho': 'rho', '\\mu': 'mu', '\\eta': 'lr', '\\epsilon': 'eps', '\\lambda': 'wd' },
  paper: { authors: 'T. Tieleman, G. Hinton', year: 2012, title: 'Lecture 6.5 — RMSprop: Divide the gradient by a running average of its recent magnitude', venue: 'COURSERA: Neural Networks for Machine Learning' },
  pros: ['Addresses the diminishing learning rate of AdaGrad', 'Adapts the learning rate based on recent gradients', 'Works well on non-stationary objectives (e.g. recurrent networks)'],
  cons: ['Can still get stuck in local minima on non-convex problems', 'Sensitive to the learning rate: seed 004’s run at lr 0.01 collapses to 11% accuracy', 'No bias correction: early steps are large while v is still near 0'],
  whenToUse: ['Non-convex optimization problems', 'Situations where AdaGrad’s learning rate diminishes too fast', 'Recurrent networks and reinforcement learning'],
  seedNotes: [
    {
      seed: '000',
      writes: String.raw`E[g^2]_t = 0.9E[g^2]_{t-1} + 0.1g_t^2, \quad \theta_{t+1} = \theta_t - \frac{\eta}{\sqrt{E[g^2]_t + \epsilon}} g_t`,
      difference: 'ε inside the square root, and the decay fixed at 0.9 (torch: ρ = 0.99, a hyperparameter).',
      whyTorch: 'torch adds ε outside the root; ours does too, so a run can be checked against torch.optim.RMSprop.',
    },
    {
      seed: '001',
      writes: String.raw`w := w - \frac{\eta}{\sqrt{v(w, t)}} \nabla Q_i(w)`,
      difference: 'No ε at all: a weight whose gradients have all been 0 divides 0 by 0.',
      whyTorch: 'ε (outside the root) keeps the update finite.',
    },
    {
      seed: '002',
      writes: String.raw`w := w - \frac{\alpha}{\sqrt{E[g^2]_t + \epsilon}} \cdot \nabla_w J(w)`,
      difference: 'ε inside the square root; decay γ "often set to 0.9".',
      whyTorch: 'As for seed 000.',
    },
    {
      seed: '003',
      writes: String.raw`\theta_{t+1} = \theta_t - \frac{\eta}{\sqrt{v_t + \epsilon}} g_t`,
      difference: 'ε inside the square root.',
      whyTorch: 'As for seed 000.',
    },
    {
      seed: '004',
      writes: String.raw`\theta_t = \theta_{t-1} - \alpha G_t^{-\frac{1}{2}} \nabla \mathcal{L}(\theta_{t-1})`,
      difference: 'First slide: no ε. The next slide writes W = W − α·dw/(√v + ε), which is ours (with β = 0.9 there). Its torch log (alpha 0.99, eps 1e-8) is exactly our default.',
      whyTorch: 'The slides’ experiments ran torch.optim.RMSprop; we reproduce that rule.',
    },
  ],
  tfjs: {
    builtin: 'tf.train.rmsprop(learningRate, decay, momentum, epsilon, centered)',
    create: (hp) => tf.train.rmsprop(hp.learningRate, hp.rho, hp.momentum, hp.epsilon, false),
    differences: [
      { subject: 'epsilon', acts: 'always', text: 'ε inside the square root: η·g/√(v+ε) (torch: η·g/(√v+ε)).' },
      { subject: 'defaults', acts: 'builtin-default', text: 'decay (our ρ) defaults to 0.9 and ε to the backend epsilon (1e-7); createBuiltinOptimizer passes ours.' },
      { subject: 'momentum-buffer', acts: 'schedule', text: 'Momentum buffer accumulates η·g/√(v+ε) (η inside the buffer): the same as torch while η is constant.' },
      { subject: 'weight-decay', acts: 'missing-option', text: 'No weight decay in the built-in.' },
    ],
  },
  stepByStep: { hp: { learningRate: 0.01 }, note: 'Here η = 0.01 (its default). With ρ = 0.99 the first v is only 1% of g², so the first step is η/√0.01 = 10η = 0.1 for both coordinates: RMSprop has no bias correction, which is why its first steps are large (Adam fixes this). The steps then shrink as v fills up.' },
  sourceFile: 'src/optimizers/rmsprop.ts',
};
