// SGD with (heavy-ball) momentum, in torch's form: the learning rate multiplies the velocity.
import * as tf from '@tensorflow/tfjs';
import { L2_LATEX, withL2 } from './common';
import type { OptimizerInfo, Rule } from './types';

type State = { b: tf.Tensor };
type Coefficient = 'lr' | 'mu' | 'wd';
type Hp = 'learningRate' | 'momentum' | 'weightDecay';

export const momentumRule: Rule<State, Coefficient, Hp> = {
  init: (p) => ({ b: tf.zerosLike(p) }),
  coefficients: (hp) => ({ lr: hp.learningRate, mu: hp.momentum, wd: hp.weightDecay }),
  update({ b }, g, p, c, hp) {
    g = withL2(g, p, c.wd, hp.weightDecay);
    b = tf.add(tf.mul(c.mu, b), g);
    return { param: tf.sub(p, tf.mul(c.lr, b)), state: { b } };
  },
};

export const momentumInfo: OptimizerInfo = {
  name: 'momentum',
  displayName: 'SGD with momentum',
  family: 'momentum',
  defaults: { learningRate: 1e-3, momentum: 0.9, weightDecay: 0 },
  defaultsNote: 'torch defaults momentum to 0 (momentum is opt-in there); as its own optimizer we default to 0.9, the value seeds 000 and 003 quote.',
  torch: 'torch.optim.SGD(params, lr=1e-3, momentum=0.9, dampening=0, nesterov=False)',
  latex: String.raw`\begin{aligned}
${L2_LATEX} \\
b_t &= \mu\, b_{t-1} + g_t \\
\theta_t &= \theta_{t-1} - \eta\, b_t
\end{aligned}`,
  symbols: { '\\theta': 'p', g_t: 'g', b_t: 'b', '\\mu': 'mu', '\\eta': 'lr', '\\lambda': 'wd' },
  paper: { authors: 'B. T. Polyak', year: 1964, title: 'Some methods of speeding up the convergence of iteration methods', venue: 'USSR Computational Mathematics and Mathematical Physics 4(5)' },
  pros: ['Accelerates along consistent directions and damps oscillation across ravines', 'One extra buffer; almost as cheap as SGD', 'With a tuned schedule, a strong baseline that generalizes well'],
  cons: ['One more hyperparameter (μ) that interacts with the learning rate', 'Can overshoot minima', 'Still one global learning rate'],
  whenToUse: ['Instead of plain SGD almost always', 'Convolutional networks trained with a learning-rate schedule'],
  seedNotes: [
    {
      seed: '000',
      writes: String.raw`v_t = \gamma v_{t-1} + \eta \cdot \nabla_\theta J(\theta), \quad \theta = \theta - v_t`,
      difference: 'Learning rate inside the velocity (v = η·b). Identical to ours while η is constant; when η changes (a schedule) the old velocity keeps the old rate in the seed, the new rate in torch. Seed 000’s own code puts η outside, as torch does.',
      whyTorch: 'torch.optim.SGD and tf.train.momentum both scale the velocity by the current learning rate; matching them lets any run be checked against PyTorch.',
    },
    {
      seed: '003',
      writes: String.raw`v_t = \gamma v_{t-1} + \eta \nabla_{\theta} J(\theta), \quad \theta = \theta - v_t`,
      difference: 'Learning rate inside the velocity, as in seed 000.',
      whyTorch: 'As above.',
    },
    {
      seed: '004',
      writes: String.raw`v_t = \gamma v_{t-1} + \alpha \nabla_{\theta} \mathcal{L}(\theta_{t-1}), \quad \theta_t = \theta_{t-1} - v_t`,
      difference: 'Learning rate inside the velocity. The slides also show the exponential-average form v = βv + (1−β)dw, W = W − αv, which is ours with the gradient scaled by (1−β) (torch’s dampening = β), i.e. an effective learning rate α(1−β).',
      whyTorch: 'torch’s default (dampening 0) is the undamped form.',
    },
  ],
  tfjs: {
    builtin: 'tf.train.momentum(learningRate, momentum, false)',
    create: (hp) => tf.train.momentum(hp.learningRate, hp.momentum, false),
    differences: [{ subject: 'weight-decay', acts: 'missing-option', text: 'No weight decay in the built-in. Otherwise the same rule.' }],
  },
  stepByStep: { note: 'Watch the buffer b grow while the gradients keep their sign: the step is η·b, not η·g. Once θ₂ has overshot, b₂ keeps pushing it past the minimum: θ₂ is still swinging after four steps.' },
  sourceFile: 'src/optimizers/momentum.ts',
  notes: ['torch initialises the buffer with the first gradient; ours starts at zero, which gives the same b_1 = g_1 (dampening 0).'],
};
