// Nesterov momentum as torch writes it: the lookahead is folded into the update, so the gradient is taken
// at the current parameters (no second forward pass at θ − ημb).
import * as tf from '@tensorflow/tfjs';
import { L2_LATEX, withL2 } from './common';
import type { OptimizerInfo, Rule } from './types';

type State = { b: tf.Tensor };
type Coefficient = 'lr' | 'mu' | 'wd';
type Hp = 'learningRate' | 'momentum' | 'weightDecay';

export const nesterovRule: Rule<State, Coefficient, Hp> = {
  init: (p) => ({ b: tf.zerosLike(p) }),
  coefficients: (hp) => ({ lr: hp.learningRate, mu: hp.momentum, wd: hp.weightDecay }),
  update({ b }, g, p, c, hp) {
    g = withL2(g, p, c.wd, hp.weightDecay);
    b = tf.add(tf.mul(c.mu, b), g);
    const gNesterov = tf.add(g, tf.mul(c.mu, b));
    return { param: tf.sub(p, tf.mul(c.lr, gNesterov)), state: { b } };
  },
};

export const nesterovInfo: OptimizerInfo = {
  name: 'nesterov',
  displayName: 'Nesterov momentum',
  family: 'momentum',
  defaults: { learningRate: 1e-3, momentum: 0.9, weightDecay: 0 },
  defaultsNote: 'torch defaults momentum to 0, which turns Nesterov off (torch then refuses nesterov=True); we default to 0.9.',
  torch: 'torch.optim.SGD(params, lr=1e-3, momentum=0.9, dampening=0, nesterov=True)',
  latex: String.raw`\begin{aligned}
${L2_LATEX} \\
b_t &= \mu\, b_{t-1} + g_t \\
\tilde g_t &= g_t + \mu\, b_t \\
\theta_t &= \theta_{t-1} - \eta\, \tilde g_t
\end{aligned}`,
  symbols: { '\\theta': 'p', g_t: 'g', b_t: 'b', '\\tilde g_t': 'gNesterov', '\\mu': 'mu', '\\eta': 'lr', '\\lambda': 'wd' },
  paper: { authors: 'Y. Nesterov', year: 1983, title: 'A method for solving the convex programming problem with convergence rate O(1/k²)', venue: 'Soviet Mathematics Doklady 27' },
  pros: ['Looks ahead along the velocity, so it corrects overshoot earlier than plain momentum', 'Same cost and memory as momentum', 'Often slightly faster and more stable than plain momentum'],
  cons: ['Same two coupled hyperparameters (η, μ) as momentum', 'Its advantage is small on noisy mini-batch gradients'],
  whenToUse: ['Wherever SGD with momentum is used, as a usually-better drop-in', 'Convex or smooth problems where acceleration pays off'],
  seedNotes: [
    {
      seed: '003',
      writes: String.raw`v_{t+1} = \mu v_t - \eta \nabla f(x_t + \mu v_t), \quad x_{t+1} = x_t + v_{t+1}`,
      difference: 'The gradient is evaluated at the lookahead point x + μv, and η sits inside the velocity. Substituting θ = x + μv (Bengio et al. 2013) turns it into our form, where the gradient is taken at the current parameters; the trajectories coincide for a constant η up to that shift.',
      whyTorch: 'torch (and tfjs) use the substituted form: it needs one gradient at the parameters the model actually holds, which is what a training loop computes.',
    },
    {
      seed: '004',
      writes: String.raw`v_t = \gamma v_{t-1} + \alpha \nabla_{\theta} \mathcal{L}(\theta_{t-1} - \gamma v_{t-1}), \quad \theta_t = \theta_{t-1} - v_t`,
      difference: 'Lookahead form with the learning rate inside the velocity, as in seed 003 (sign convention v ↦ −v).',
      whyTorch: 'As above.',
    },
  ],
  tfjs: {
    builtin: 'tf.train.momentum(learningRate, momentum, true)',
    create: (hp) => tf.train.momentum(hp.learningRate, hp.momentum, true),
    differences: [{ subject: 'weight-decay', acts: 'missing-option', text: 'No weight decay in the built-in. Otherwise the same rule (tfjs also writes Nesterov as torch does).' }],
  },
  stepByStep: { note: 'Compare with the momentum table above: the same buffer b, but a larger first step (η·(g + μb), 1.9 times Momentum\'s), and an earlier correction: θ₂ overshoots on the first step and is back at its minimum after the second, while Momentum\'s θ₂ is still swinging after four.' },
  sourceFile: 'src/optimizers/nesterov.ts',
};
