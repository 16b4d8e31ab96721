// What the notebooks say about each rule's step-by-step table (the registry's `stepByStep.note`),
// checked against the steps the real optimizer takes on that table's problem. A note that no
// longer describes its table, or an optimizer without a checked note, fails here.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { initBackend } from '../src/backend';
import { stepByStep, stepByStepMarkdown, type StepByStepResult, type StepRecord } from '../src/notebook-support';
import { OPTIMIZER_NAMES, getOptimizerInfo, type OptimizerName } from '../src/optimizers';

before(async () => {
  await initBackend('cpu');
});

const close = (a: number, b: number, tol = 1e-5) => Math.abs(a - b) <= tol;
const delta = (s: StepRecord) => s.next.map((x, i) => x - s.theta[i]);
const lr = (r: StepByStepResult) => r.hp.learningRate as number;
const table = (name: OptimizerName, opts: Parameters<typeof stepByStep>[1] = {}) => stepByStep(name, opts);

function assertEveryStep(r: StepByStepResult, what: string, ok: (s: StepRecord, i: number) => boolean) {
  r.steps.forEach((s, i) => assert.ok(ok(s, i), `${r.optimizer} t=${s.t}: ${what} (${JSON.stringify(s)})`));
}

/** One check per optimizer: the claims its note makes, against its table (and, where it compares, another's). */
const CHECKS: Record<OptimizerName, (r: StepByStepResult) => Promise<void> | void> = {
  async sgd(r) {
    assertEveryStep(r, 'θ moves by η·g', (s) => s.next.every((x, i) => close(x, s.theta[i] - lr(r) * s.grad[i])));
    const [d1, d2] = delta(r.steps[0]);
    assert.ok(close(d2, 10 * d1), 'the steep coordinate moves ten times further');
    assert.ok(close(r.steps[0].next[1], 0), 'lands on its minimum at η = 0.1');
    const overshoot = await table('sgd', { hp: { learningRate: 0.15 } });
    assert.ok(overshoot.steps[0].next[1] < 0 && Math.abs(overshoot.steps[3].next[1]) < 1, 'overshoots above 1/10, still converging');
    const diverge = await table('sgd', { hp: { learningRate: 0.21 } });
    assert.ok(Math.abs(diverge.steps[3].next[1]) > 1, 'diverges above 2/10');
  },
  momentum(r) {
    assertEveryStep(r, 'the step is η·b', (s) => s.next.every((x, i) => close(x, s.theta[i] - lr(r) * s.state.b[i])));
    const b1 = r.steps.map((s) => s.state.b[0]);
    assert.ok(r.steps.every((s) => s.grad[0] > 0) && b1.every((b, i) => i === 0 || b > b1[i - 1]), 'b grows while g keeps its sign');
    assert.ok(r.steps[1].grad[1] === 0 && r.steps[1].next[1] < 0, 'b₂ pushes θ₂ past the minimum');
    assert.ok(Math.abs(r.steps[3].next[1]) > 0.05, 'θ₂ still swinging after four steps');
  },
  async nesterov(r) {
    const m = await table('momentum');
    assert.deepEqual(r.steps[0].state.b, m.steps[0].state.b, 'the same buffer');
    delta(r.steps[0]).forEach((d, i) => assert.ok(close(d, 1.9 * delta(m.steps[0])[i]), 'first step 1.9 times Momentum\'s'));
    assert.ok(r.steps[0].next[1] < 0 && Math.abs(r.steps[1].next[1]) < 1e-5, 'θ₂ overshoots, then is back at its minimum after the second step');
    assert.ok(Math.abs(m.steps[3].next[1]) > 0.05, 'Momentum\'s θ₂ still swinging after four');
  },
  adagrad(r) {
    delta(r.steps[0]).forEach((d) => assert.ok(close(Math.abs(d), lr(r), 1e-6), 'first step ≈ η for both coordinates'));
    const sizes = r.steps.map((s) => Math.abs(delta(s)[0]));
    assert.ok(sizes.every((d, i) => i === 0 || d < sizes[i - 1]), 'later steps shrink');
  },
  rmsprop(r) {
    assert.equal(lr(r), 0.01);
    assert.ok(close(r.steps[0].state.v[1], 0.01 * r.steps[0].grad[1] ** 2), 'the first v is 1% of g²');
    delta(r.steps[0]).forEach((d) => assert.ok(close(Math.abs(d), 10 * lr(r)), 'first step 10η = 0.1'));
    const sizes = r.steps.map((s) => Math.abs(delta(s)[0]));
    assert.ok(sizes.every((d, i) => i === 0 || d < sizes[i - 1]), 'the steps then shrink');
  },
  adadelta(r) {
    assert.equal(lr(r), 1);
    const eps = getOptimizerInfo('adadelta').defaults.epsilon!;
    delta(r.steps[0]).forEach((d, i) => assert.ok(close(Math.abs(d), Math.sqrt(eps) / Math.sqrt(r.steps[0].state.v[i]) * Math.abs(r.steps[0].grad[i]), 1e-7), 'starts at √ε/√v·g'));
    assert.ok(Math.abs(delta(r.steps[0])[0]) < 0.01, 'tiny');
    const sizes = r.steps.map((s) => Math.abs(delta(s)[0]));
    assert.ok(sizes.every((d, i) => i === 0 || d > sizes[i - 1]), 'the steps grow');
  },
  adam(r) {
    delta(r.steps[0]).forEach((d) => assert.ok(close(Math.abs(d), lr(r)), 'both coordinates move by η'));
  },
  async amsgrad(r) {
    assertEveryStep(r, 'vMax = v (v only grows here)', (s, i) => s.state.vMax.every((x, j) => x === s.state.v[j]) && (i === 0 || s.state.v.every((x, j) => x > r.steps[i - 1].state.v[j])));
    const adam = await table('adam');
    r.steps.forEach((s, i) => s.next.forEach((x, j) => assert.ok(close(x, adam.steps[i].next[j], 1e-6), 'exactly Adam\'s steps')));
    // When v falls (a short memory, shrinking gradients), vMax keeps the larger value and the steps depart from Adam's.
    const hp = { beta2: 0.5 };
    const [ams, ad] = [await table('amsgrad', { hp, steps: 8 }), await table('adam', { hp, steps: 8 })];
    assert.ok(ams.steps.some((s) => s.state.vMax.some((x, j) => x > s.state.v[j])), 'vMax above v once v falls');
    assert.ok(ams.steps.some((s, i) => !close(s.next[0], ad.steps[i].next[0], 1e-6)), 'then AMSGrad departs from Adam');
    // The maximum is of the raw v, bias-corrected afterwards: the first step is Adam's ±η, not ±η·√(1−β₂).
    delta(r.steps[0]).forEach((d) => assert.ok(close(Math.abs(d), lr(r))));
  },
  adamw(r) {
    const wd = getOptimizerInfo('adamw').defaults.weightDecay!;
    assert.ok(close(wd, 0.01) && close(lr(r), 0.1));
    // t = 1: Adam's step is ±η; the decay multiplies θ by (1 − ηλ) = 0.999 on top of it.
    r.steps[0].next.forEach((x, i) => assert.ok(close(x, r.steps[0].theta[i] * (1 - lr(r) * wd) - lr(r) * Math.sign(r.steps[0].grad[i]))));
  },
  adamax(r) {
    const b2 = getOptimizerInfo('adamax').defaults.beta2!;
    assertEveryStep(r, 'u = max over past steps of β₂^(t−s)|g_s|', (s, i) => s.state.u.every((u, j) =>
      close(u, Math.max(...r.steps.slice(0, i + 1).map((p, k) => b2 ** (i - k) * Math.abs(p.grad[j]))), 1e-4)));
    delta(r.steps[0]).forEach((d) => assert.ok(close(Math.abs(d), lr(r)), 'first step η'));
  },
  nadam(r) {
    const [d1, d2] = delta(r.steps[0]).map(Math.abs);
    assert.ok(close(d1, d2), 'same amount for both coordinates');
    assert.ok(Math.abs(d1 - lr(r)) > 1e-3 && close(d1, 0.1056, 5e-5), `not η: ${d1}`);
  },
  lion(r) {
    assertEveryStep(r, '|Δθ| = η exactly', (s) => delta(s).every((d) => close(Math.abs(d), lr(r), 1e-6)));
  },
};

test('every optimizer has a step-by-step note, and every note is checked here', () => {
  assert.deepEqual(Object.keys(CHECKS), [...OPTIMIZER_NAMES]);
  for (const name of OPTIMIZER_NAMES) {
    const md = stepByStepMarkdown(name);
    assert.ok(md.startsWith('**Step by step.** A few steps on $f(\\theta) = \\tfrac12(\\theta_1^2 + 10\\,\\theta_2^2)$ from $\\theta_0 = (1, 1)$'), md);
    assert.ok(md.endsWith(getOptimizerInfo(name).stepByStep.note));
  }
});

for (const name of OPTIMIZER_NAMES) {
  test(`${name}: the note describes the table`, async () => {
    await CHECKS[name](await table(name));
  });
}
