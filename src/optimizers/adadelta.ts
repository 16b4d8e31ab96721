// AdaDelta as torch.optim.Adadelta: the step is rescaled by RMS of past updates over RMS of gradients,
// ε inside both roots; lr (default 1) multiplies the step.
import * as tf from '@tensorflow/tfjs';
import { L2_LATEX, withL2 } from './common';
import type { OptimizerInfo, Rule } from './types';

type State = { v: tf.Tensor; u: tf.Tensor };
type Coefficient = 'lr' | 'rho' | 'oneMinusRho' | 'eps' | 'wd';
type Hp = 'learningRate' | 'rho' | 'epsilon' | 'weightDecay';

export const adadeltaRule: Rule<State, Coefficient, Hp> = {
  init: (p) => ({ v: tf.zerosLike(p), u: tf.zerosLike(p) }),
  coefficients: (hp) => ({ lr: hp.learningRate, rho: hp.rho, oneMinusRho: 1 - hp.rho, eps: hp.epsilon, wd: hp.weightDecay }),
  update({ v, u }, g, p, c, hp) {
    g = withL2(g, p, c.wd, hp.weightDecay);
    v = tf.add(tf.mul(c.rho, v), tf.mul(c.oneMinusRho, tf.square(g)));
    const delta = tf.mul(tf.div(tf.sqrt(tf.add(u, c.eps)), tf.sqrt(tf.add(v, c.eps))), g);
    u = tf.add(tf.mul(c.rho, u), tf.mul(c.oneMinusRho, tf.square(delta)));
    return { param: tf.sub(p, tf.mul(c.lr, delta)), state: { v, u } };
  },
};

export const adadeltaInfo: OptimizerInfo = {
  name: 'adadelta',
  displayName: 'AdaDelta',
  family: 'adaptive',
  defaults: { learningRate: 1.0, rho: 0.9, epsilon: 1e-6, weightDecay: 0 },
  torch: 'torch.optim.Adadelta(params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0)',
  latex: String.raw`\begin{aligned}
${L2_LATEX} \\
v_t &= \rho\, v_{t-1} + (1-\rho)\, g_t^2 \\
\Delta_t &= \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}}\, g_t \\
u_t &= \rho\, u_{t-1} + (1-\rho)\, \Delta_t^2 \\
\theta_t &= \theta_{t-1} - \eta\, \Delta_t
\end{aligned}`,
  symbols: { '\\theta': 'p', g_t: 'g', v_t: 'v', u_t: 'u', '\\Delta_t': 'delta', '\\rho': 'rho', '\\eta': 'lr', '\\epsilon': 'eps', '\\lambda': 'wd' },
  paper: { authors: 'M. D. Zeiler', year: 2012, title: 'ADADELTA: An Adaptive Learning Rate Method', venue: 'arXiv:1212.5701', url: 'https://arxiv.org/abs/1212.5701' },
  pros: ['Eliminates the need to set a default learning rate (η = 1 recovers the paper)', 'Addresses the diminishing learning rate of AdaGrad', 'Units of the update match the units of the parameters'],
  cons: ['More complex than RMSprop and AdaGrad (two state buffers)', 'Slow start: the first steps are about √ε in size', 'Often converges more slowly than Adam'],
  whenToUse: ['Like RMSprop, when you want to avoid setting the learning rate by hand', 'Seed 004 found it robust to ρ (0.01 to 0.9) on MNIST'],
  seedNotes: [
    {
      seed: '001',
      writes: String.raw`s_t = \rho s_{t-1} + (1 - \rho) g_t'^2,\; g_t' = \frac{\sqrt{\Delta \mathbf{x}_{t-1} + \epsilon}}{\sqrt{s_t + \epsilon}} \odot g_t,\; \mathbf{x}_t = \mathbf{x}_{t-1} - g_t'`,
      difference: 'Same structure with no learning rate (ours with η = 1, torch’s default). Its first line accumulates the rescaled g′² where the rule (and its own text) means the raw g²: we accumulate g².',
      whyTorch: 'Zeiler’s algorithm and torch accumulate E[g²] from raw gradients; η = 1 reproduces the learning-rate-free form.',
    },
    {
      seed: '002',
      writes: String.raw`w = w - \frac{\text{RMS}[u]_{t-1}}{\text{RMS}[g]_t} \cdot \nabla_w J(w)`,
      difference: 'The same rule written with RMS[x] = √(E[x²] + ε) and no learning rate (η = 1).',
      whyTorch: 'torch exposes η (default 1) so AdaDelta can be scaled or scheduled like any other optimizer.',
    },
    {
      seed: '004',
      writes: String.raw`\rho = 0.9,\ \epsilon = 10^{-6},\ \text{lr} = 1.0,\ \text{weight\_decay} = 0`,
      difference: 'None: the slides quote torch’s defaults, which are ours.',
      whyTorch: 'They ran torch.optim.Adadelta.',
    },
  ],
  tfjs: {
    builtin: 'tf.train.adadelta(learningRate, rho, epsilon)',
    create: (hp) => tf.train.adadelta(hp.learningRate, hp.rho, hp.epsilon),
    differences: [
      { subject: 'accumulator', acts: 'always', text: 'The denominator uses the previous average v_{t−1} instead of v_t (tfjs computes the update before assigning the new accumulator): the first step is exactly η·g, whatever the gradient’s size.' },
      { subject: 'defaults', acts: 'builtin-default', text: 'Defaults: learningRate 0.001 (torch 1.0), ε = backend epsilon 1e-7 (torch 1e-6); createBuiltinOptimizer passes ours.' },
      { subject: 'weight-decay', acts: 'missing-option', text: 'No weight decay in the built-in.' },
    ],
  },
  stepByStep: { hp: { learningRate: 1 }, note: 'Here η = 1 (torch\'s default). The steps start tiny (√ε/√v) and grow as the RMS of updates u accumulates: AdaDelta is slow to get going, as seed 001’s table shows on MNIST.' },
  sourceFile: 'src/optimizers/adadelta.ts',
};
