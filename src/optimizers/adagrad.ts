// AdaGrad: per-weight step sizes from the sum of all past squared gradients; ε outside the root (torch).
import * as tf from '@tensorflow/tfjs';
import { L2_LATEX, withL2 } from './common';
import type { OptimizerInfo, Rule } from './types';

type State = { G: tf.Tensor };
type Coefficient = 'lr' | 'eps' | 'wd';
type Hp = 'learningRate' | 'epsilon' | 'weightDecay' | 'initialAccumulatorValue';

export const adagradRule: Rule<State, Coefficient, Hp> = {
  init: (p, hp) => ({ G: tf.fill(p.shape, hp.initialAccumulatorValue) }),
  coefficients: (hp) => ({ lr: hp.learningRate, eps: hp.epsilon, wd: hp.weightDecay }),
  update({ G }, g, p, c, hp) {
    g = withL2(g, p, c.wd, hp.weightDecay);
    G = tf.add(G, tf.square(g));
    const param = tf.sub(p, tf.div(tf.mul(c.lr, g), tf.add(tf.sqrt(G), c.eps)));
    return { param, state: { G } };
  },
};

export const adagradInfo: OptimizerInfo = {
  name: 'adagrad',
  displayName: 'AdaGrad',
  family: 'adaptive',
  defaults: { learningRate: 1e-2, epsilon: 1e-10, weightDecay: 0, initialAccumulatorValue: 0 },
  defaultsNote: 'torch’s lr_decay is not a hyperparameter here: pass inverseTimeDecay({ initialLearningRate, decayRate: lr_decay }) as learningRate for the same effect.',
  torch: 'torch.optim.Adagrad(params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10)',
  latex: String.raw`\begin{aligned}
${L2_LATEX} \\
G_t &= G_{t-1} + g_t^2, \qquad G_0 = \text{initialAccumulatorValue} \\
\theta_t &= \theta_{t-1} - \frac{\eta\, g_t}{\sqrt{G_t} + \epsilon}
\end{aligned}`,
  symbols: { '\\theta': 'p', g_t: 'g', G_t: 'G', '\\eta': 'lr', '\\epsilon': 'eps', '\\lambda': 'wd' },
  paper: { authors: 'J. Duchi, E. Hazan, Y. Singer', year: 2011, title: 'Adaptive Subgradient Methods for Online Learning and Stochastic Optimization', venue: 'JMLR 12' },
  pros: ['Adapts the learning rate for each parameter', 'Good for sparse data: rare features get large steps', 'Little learning-rate tuning'],
  cons: ['Learning rate can diminish to zero, stopping learning (G only grows)', 'Poor fit for long non-convex training runs'],
  whenToUse: ['Sparse datasets like text, where the learning rate needs to adapt to feature frequency', 'Convex problems and short trainings'],
  seedNotes: [
    {
      seed: '000',
      writes: String.raw`\theta_{t+1,i} = \theta_{t,i} - \frac{\eta}{\sqrt{G_{t,ii} + \epsilon}} \cdot g_{t,i}`,
      difference: 'ε inside the square root: the first step of a weight is η·g/√(g²+ε) instead of η·g/(|g|+ε); for tiny gradients the update shrinks to η·g/√ε.',
      whyTorch: 'torch.optim.Adagrad adds ε (1e-10) outside the root, as does the seed-003 formula.',
    },
    {
      seed: '001',
      writes: String.raw`\eta'_t = \frac{\eta}{\sqrt{\alpha_t + \epsilon}}`,
      difference: 'ε inside the square root (α_t is the sum of squared gradients).',
      whyTorch: 'As above.',
    },
    {
      seed: '002',
      writes: String.raw`w := w - \frac{\alpha}{\sqrt{G_t + \epsilon}} \cdot \nabla_w J(w)`,
      difference: 'ε inside the square root; the text also calls it the mini-batch GD rule (a slip).',
      whyTorch: 'As above.',
    },
  ],
  tfjs: {
    builtin: 'tf.train.adagrad(learningRate, initialAccumulatorValue)',
    create: (hp) => tf.train.adagrad(hp.learningRate, hp.initialAccumulatorValue),
    differences: [
      { subject: 'defaults', acts: 'builtin-default', text: 'initialAccumulatorValue defaults to 0.1 in tfjs, 0 in torch (createBuiltinOptimizer passes ours).' },
      { subject: 'epsilon', acts: 'always', text: 'ε is not configurable: the backend epsilon (1e-7 in float32) is added inside the square root, η·g/√(G+1e-7), where torch uses η·g/(√G + ε).' },
      { subject: 'weight-decay', acts: 'missing-option', text: 'No weight decay and no lr_decay in the built-in.' },
    ],
  },
  stepByStep: { note: 'The first step moves both coordinates by almost exactly η, whatever their gradient: dividing by √G normalises the scale. Later steps shrink as G grows.' },
  sourceFile: 'src/optimizers/adagrad.ts',
};
