// NAdam as torch.optim.NAdam: Adam with Nesterov momentum and Dozat's momentum-decay schedule
// μ_t = β₁(1 − ½·0.96^{tψ}), ψ = 0.004.
import * as tf from '@tensorflow/tfjs';
import { ADAM_MOMENTS_LATEX } from './adam';
import { L2_LATEX, withL2 } from './common';
import type { OptimizerInfo, Rule } from './types';

/** torch's momentum_decay ψ (not a hyperparameter key here). */
export const NADAM_MOMENTUM_DECAY = 0.004;

/** μ_t = β₁(1 − ½·0.96^{tψ}). */
export function nadamMu(beta1: number, t: number): number {
  return beta1 * (1 - 0.5 * 0.96 ** (t * NADAM_MOMENTUM_DECAY));
}

/** ∏_{i≤t} μ_i. Memoized on the last (β₁, t) so a training run pays one multiplication per step. */
let muProductCache = { beta1: NaN, t: 0, value: 1 };
export function nadamMuProduct(beta1: number, t: number): number {
  const cache = muProductCache;
  let start = 0;
  let value = 1;
  if (cache.beta1 === beta1 && cache.t <= t) ({ t: start, value } = cache);
  for (let i = start + 1; i <= t; i++) value *= nadamMu(beta1, i);
  muProductCache = { beta1, t, value };
  return value;
}

type State = { m: tf.Tensor; v: tf.Tensor };
type Coefficient = 'lr' | 'beta1' | 'oneMinusBeta1' | 'beta2' | 'oneMinusBeta2' | 'bc2' | 'gradWeight' | 'momentWeight' | 'eps' | 'wd';
type Hp = 'learningRate' | 'beta1' | 'beta2' | 'epsilon' | 'weightDecay';

export const nadamRule: Rule<State, Coefficient, Hp> = {
  init: (p) => ({ m: tf.zerosLike(p), v: tf.zerosLike(p) }),
  coefficients: (hp, t) => {
    const mu = nadamMu(hp.beta1, t);
    const muNext = nadamMu(hp.beta1, t + 1);
    const muProduct = nadamMuProduct(hp.beta1, t);
    return {
      lr: hp.learningRate, eps: hp.epsilon, wd: hp.weightDecay,
      beta1: hp.beta1, oneMinusBeta1: 1 - hp.beta1, beta2: hp.beta2, oneMinusBeta2: 1 - hp.beta2, bc2: 1 - hp.beta2 ** t,
      gradWeight: (1 - mu) / (1 - muProduct),
      momentWeight: muNext / (1 - muProduct * muNext),
    };
  },
  update({ m, v }, g, p, c, hp) {
    g = withL2(g, p, c.wd, hp.weightDecay);
    m = tf.add(tf.mul(c.beta1, m), tf.mul(c.oneMinusBeta1, g));
    v = tf.add(tf.mul(c.beta2, v), tf.mul(c.oneMinusBeta2, tf.square(g)));
    const vHat = tf.div(v, c.bc2);
    const direction = tf.add(tf.mul(c.gradWeight, g), tf.mul(c.momentWeight, m));
    const param = tf.sub(p, tf.div(tf.mul(c.lr, direction), tf.add(tf.sqrt(vHat), c.eps)));
    return { param, state: { m, v } };
  },
};

export const nadamInfo: OptimizerInfo = {
  name: 'nadam',
  displayName: 'NAdam',
  family: 'adam',
  defaults: { learningRate: 2e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 },
  defaultsNote: 'torch’s momentum_decay ψ is fixed at 0.004 (its default); decoupled_weight_decay=True is AdamW-style decay, not offered.',
  torch: 'torch.optim.NAdam(params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3)',
  latex: String.raw`\begin{aligned}
${L2_LATEX} \\
\mu_t &= \beta_1\left(1 - \tfrac12\, 0.96^{t\psi}\right), \qquad \psi = 0.004 \\
${ADAM_MOMENTS_LATEX} \\
\hat v_t &= v_t / (1-\beta_2^t) \\
\theta_t &= \theta_{t-1} - \eta\, \frac{\frac{1-\mu_t}{1-\prod_{i=1}^{t}\mu_i}\, g_t + \frac{\mu_{t+1}}{1-\prod_{i=1}^{t+1}\mu_i}\, m_t}{\sqrt{\hat v_t} + \epsilon}
\end{aligned}`,
  symbols: {
    '\\theta': 'p', g_t: 'g', m_t: 'm', v_t: 'v', '\\hat v_t': 'vHat', '\\eta': 'lr', '\\beta_1': 'beta1', '\\beta_2': 'beta2',
    '1-\\beta_2^t': 'bc2', '\\epsilon': 'eps', '\\lambda': 'wd', '\\mu_t': 'nadamMu(beta1, t)', '\\frac{1-\\mu_t}{1-\\prod_{i=1}^{t}\\mu_i}': 'gradWeight',
    '\\frac{\\mu_{t+1}}{1-\\prod_{i=1}^{t+1}\\mu_i}': 'momentWeight', '\\psi': 'NADAM_MOMENTUM_DECAY',
  },
  paper: { authors: 'T. Dozat', year: 2016, title: 'Incorporating Nesterov Momentum into Adam', venue: 'ICLR 2016 Workshop' },
  pros: ['Nesterov’s lookahead inside Adam: often a little faster than Adam early in training', 'Warm-up-like momentum schedule (μ grows from 0.45 to 0.9)', 'Same memory as Adam'],
  cons: ['A more complex rule with an extra fixed constant (ψ)', 'Gains over Adam are small and problem-dependent'],
  whenToUse: ['Where Adam works, as a candidate for faster early progress', 'Recurrent networks and language models (Dozat’s experiments)'],
  seedNotes: [],
  tfjs: null,
  stepByStep: { note: 'Both coordinates again move by the same amount in the first step, but not by η: NAdam’s first step mixes the bias-corrected momentum and the current gradient, weighted by torch’s momentum schedule μ_t, which makes it 0.1056 here.' },
  sourceFile: 'src/optimizers/nadam.ts',
  notes: ['No seed covers NAdam.', 'torch keeps ∏μ in a float32 state tensor; we compute it in float64 (differences ~1e-7 relative).'],
};
