// Stochastic gradient descent: θ ← θ − η g. GD and mini-batch GD are this rule with another batch size.
import * as tf from '@tensorflow/tfjs';
import { L2_LATEX, withL2 } from './common';
import type { OptimizerInfo, Rule } from './types';

type Coefficient = 'lr' | 'wd';
type Hp = 'learningRate' | 'weightDecay';

export const sgdRule: Rule<Record<string, never>, Coefficient, Hp> = {
  init: () => ({}),
  coefficients: (hp) => ({ lr: hp.learningRate, wd: hp.weightDecay }),
  update(state, g, p, c, hp) {
    g = withL2(g, p, c.wd, hp.weightDecay);
    return { param: tf.sub(p, tf.mul(c.lr, g)), state };
  },
};

export const sgdInfo: OptimizerInfo = {
  name: 'sgd',
  displayName: 'SGD',
  family: 'plain',
  defaults: { learningRate: 1e-3, weightDecay: 0 },
  torch: 'torch.optim.SGD(params, lr=1e-3, momentum=0, weight_decay=0)',
  latex: String.raw`\begin{aligned}
${L2_LATEX} \\
\theta_t &= \theta_{t-1} - \eta\, g_t
\end{aligned}`,
  symbols: { '\\theta': 'p', g_t: 'g', '\\eta': 'lr', '\\lambda': 'wd' },
  paper: { authors: 'H. Robbins, S. Monro', year: 1951, title: 'A Stochastic Approximation Method', venue: 'Annals of Mathematical Statistics 22(3)' },
  pros: ['Simple and cheap: no state, one multiply-add per weight', 'Fast per step; handles large datasets well', 'Often generalizes well when tuned (with a decaying learning rate)'],
  cons: ['High variance in updates can lead to instability', 'One global learning rate for every weight; sensitive to its value', 'Slow along ravines and near saddle points'],
  whenToUse: ['Large datasets; online or incremental learning', 'As the baseline every other optimizer is compared with', 'Full-batch GD on small datasets when simplicity and clarity are preferred'],
  seedNotes: [
    {
      seed: '000',
      writes: String.raw`\theta = \theta - \eta \cdot \nabla J(\theta; x_i, y_i)`,
      difference: 'Same rule. Seed 000 also decays the learning rate over time; here that is a schedule (./schedules) passed as learningRate.',
      whyTorch: 'torch keeps the schedule out of the optimizer (lr_scheduler); so do we, so every optimizer can use every schedule.',
    },
    {
      seed: '002',
      writes: String.raw`w := w - \alpha \nabla_w J_{\text{mini-batch}}(w)`,
      difference: 'Seed 002 (and 001, 003) list GD, SGD and mini-batch GD as three optimizers; they are one update rule applied to gradients of different batch sizes.',
      whyTorch: 'torch.optim.SGD is one optimizer; the batch size belongs to the data loader.',
    },
  ],
  tfjs: {
    builtin: 'tf.train.sgd(learningRate)',
    create: (hp) => tf.train.sgd(hp.learningRate),
    differences: [{ subject: 'weight-decay', acts: 'missing-option', text: 'No weight decay in the built-in.' }],
  },
  stepByStep: { note: 'With no state there is nothing else to show: each coordinate moves by η times its own gradient, so the steep coordinate moves ten times further than the flat one — it lands exactly on its minimum at η = 0.1, would overshoot it with η above 1/10 and diverge above 2/10.' },
  sourceFile: 'src/optimizers/sgd.ts',
  notes: [
    'Gradient descent (whole training set per step), stochastic GD (one example) and mini-batch GD (a batch) are all this optimizer: choose the batch size in the training loop.',
    'torch defaults lr to 1e-3; seeds 000 and 003 use 0.01.',
  ],
};
