// The shared adapter: tf.Optimizer behaviour of every rule (both applyGradients forms, minimize,
// tf.layers), no tensor leaks, state save/restore, serialization.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { OPTIMIZER_NAMES, createOptimizer, exponentialDecay, stepDecay, type OptimizerName } from '../src/optimizers';

const GRADS = [[0.1, -0.2, 0.3], [0, 0, 0], [1e6, -1e6, 0.5], [0.2, 0.1, -0.4], [-0.3, 0.05, 0.1], [0.7, 0.2, -0.1]];
const P0 = [0.5, -1.5, 2.0];
let uid = 0;
const fresh = (values = P0) => tf.variable(tf.tensor1d(values), true, `adapter_test_${uid++}`);

function step(opt: tf.Optimizer, vars: tf.Variable[], g: number[]): void {
  const grads = vars.map((v) => ({ name: v.name, tensor: tf.tensor1d(g) }));
  opt.applyGradients(Object.fromEntries(grads.map((x) => [x.name, x.tensor])));
  grads.forEach((x) => x.tensor.dispose());
}

test('setup: cpu backend', async () => {
  await initBackend('cpu');
});

for (const name of OPTIMIZER_NAMES) {
  test(`${name}: a tf.Optimizer with no tensor leak across steps`, () => {
    const opt = createOptimizer(name);
    assert.ok(opt instanceof tf.Optimizer);
    const vars = [fresh(), fresh()];
    step(opt, vars, GRADS[0]); // creates the state lazily
    const after1 = tf.memory().numTensors;
    for (const g of GRADS.slice(1)) step(opt, vars, g);
    assert.equal(tf.memory().numTensors, after1, 'numTensors must stay flat');
    assert.equal(opt.iterations, GRADS.length);
    opt.dispose();
    vars.forEach((v) => v.dispose());
  });

  test(`${name}: setWeights(getWeights()) continues exactly like an uninterrupted run`, async () => {
    const hp = name === 'adadelta' ? {} : { learningRate: 0.01 };
    const a = createOptimizer(name, hp);
    const va = fresh();
    GRADS.slice(0, 3).forEach((g) => step(a, [va], g));
    const saved = (await a.getWeights()).map((w) => ({ name: w.name, tensor: w.tensor.clone() }));
    assert.equal(saved[0].name, 'iter');

    const b = createOptimizer(name, hp);
    const vb = tf.variable(va.clone(), true, `adapter_test_${uid++}`);
    // Restoring under another variable name: rename the state entries (what a model reload does).
    const before = tf.memory().numTensors;
    await b.setWeights(saved.map((w) => ({ name: w.name.replace(va.name, vb.name), tensor: w.tensor })));
    assert.equal(tf.memory().numTensors, before + saved.length - 1, 'one new variable per state entry (the step count is a number), nothing else');
    saved.forEach((w) => w.tensor.dispose()); // setWeights copies
    assert.equal(b.iterations, 3);
    GRADS.slice(3).forEach((g) => {
      step(a, [va], g);
      step(b, [vb], g);
    });
    assert.deepEqual(Array.from(vb.dataSync()), Array.from(va.dataSync()));
    [a, b].forEach((o) => o.dispose());
    [va, vb].forEach((v) => v.dispose());
  });

  test(`${name}: serializes and deserializes through tf.serialization`, () => {
    const opt = createOptimizer(name, { learningRate: 0.02 });
    const cls = tf.serialization.SerializationMap.getMap().classNameMap[opt.getClassName()];
    assert.ok(cls, `${opt.getClassName()} is registered`);
    const copy = cls[1](cls[0], opt.getConfig()) as tf.Optimizer;
    assert.equal(copy.getClassName(), opt.getClassName());
    assert.deepEqual(copy.getConfig(), opt.getConfig());
    assert.equal(opt.getConfig().learningRate, 0.02);
    opt.dispose();
    copy.dispose();
  });
}

test('applyGradients accepts the NamedTensor[] form and skips null gradients, like the map form', () => {
  const [v1, v2, w1, w2] = [fresh(), fresh(), fresh(), fresh()];
  const byMap = createOptimizer('adam', { learningRate: 0.1 });
  const byList = createOptimizer('adam', { learningRate: 0.1 });
  for (const g of GRADS) {
    const t = tf.tensor1d(g);
    byMap.applyGradients({ [v1.name]: t, [v2.name]: null as unknown as tf.Tensor });
    byList.applyGradients([{ name: w2.name, tensor: null as unknown as tf.Tensor }, { name: w1.name, tensor: t }]);
    t.dispose();
  }
  assert.deepEqual(Array.from(w1.dataSync()), Array.from(v1.dataSync()));
  assert.deepEqual(Array.from(v2.dataSync()), P0.map(Math.fround)); // never had a gradient
  assert.equal((byMap as unknown as { slots: Map<string, unknown> }).slots.has(v2.name), false);
  [byMap, byList].forEach((o) => o.dispose());
  [v1, v2, w1, w2].forEach((v) => v.dispose());
});

test('state is keyed by variable name, so the order of gradients does not matter', () => {
  const [a1, a2, b1, b2] = [fresh([1, 2, 3]), fresh([-1, 0, 4]), fresh([1, 2, 3]), fresh([-1, 0, 4])];
  const o1 = createOptimizer('adam', { learningRate: 0.1 });
  const o2 = createOptimizer('adam', { learningRate: 0.1 });
  GRADS.forEach((g, i) => {
    const x = tf.tensor1d(g);
    const y = tf.tensor1d(g.map((e) => e * 2));
    o1.applyGradients({ [a1.name]: x, [a2.name]: y });
    o2.applyGradients(i % 2 ? { [b1.name]: x, [b2.name]: y } : { [b2.name]: y, [b1.name]: x });
    x.dispose();
    y.dispose();
  });
  assert.deepEqual(Array.from(b1.dataSync()), Array.from(a1.dataSync()));
  assert.deepEqual(Array.from(b2.dataSync()), Array.from(a2.dataSync()));
  [o1, o2].forEach((o) => o.dispose());
  [a1, a2, b1, b2].forEach((v) => v.dispose());
});

test('minimize() trains a variable and keeps optimizer state out of the trainable variables', () => {
  const x = fresh([3, -2]);
  const opt = createOptimizer('adam', { learningRate: 0.1 });
  for (let i = 0; i < 200; i++) opt.minimize(() => tf.sum(tf.square(x)) as tf.Scalar, true)?.dispose();
  assert.ok(Math.max(...Array.from(x.dataSync()).map(Math.abs)) < 0.05);
  // minimize() without varList trains all trainable variables: our m and v must not be among them.
  const trainable = Object.values(tf.engine().registeredVariables).filter((v) => v.trainable).map((v) => v.name);
  assert.ok(trainable.includes(x.name));
  assert.equal(trainable.length, new Set(trainable).size);
  const before = Object.keys(tf.engine().registeredVariables).length;
  opt.minimize(() => tf.sum(tf.square(x)) as tf.Scalar);
  assert.equal(Object.keys(tf.engine().registeredVariables).length, before);
  opt.dispose();
  x.dispose();
});

test('unknown variable names are an error that says what to pass', () => {
  const opt = createOptimizer('sgd');
  const g = tf.tensor1d([1]);
  assert.throws(() => opt.applyGradients({ nope_not_a_variable: g }), /no variable named "nope_not_a_variable" is registered/);
  g.dispose();
  opt.dispose();
});

function tinyModel(): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 4, inputShape: [3], activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
  model.add(tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
  return model;
}

test('works with tf.layers: compile + trainOnBatch + fit, no leaks, same as the built-in where rules coincide', async () => {
  const xs = tf.tensor2d([[0, 1, 2], [1, 0, -1], [2, 2, 0], [-1, 1, 1]]);
  const ys = tf.tensor2d([[1], [0], [2], [1]]);
  const ours = tinyModel();
  const builtin = tinyModel();
  builtin.setWeights(ours.getWeights());
  ours.compile({ optimizer: createOptimizer('momentum', { learningRate: 0.05 }), loss: 'meanSquaredError' });
  builtin.compile({ optimizer: tf.train.momentum(0.05, 0.9), loss: 'meanSquaredError' });
  const losses: number[] = [];
  for (let i = 0; i < 3; i++) {
    losses.push(await ours.trainOnBatch(xs, ys) as number);
    await builtin.trainOnBatch(xs, ys);
  }
  const n = tf.memory().numTensors;
  for (let i = 0; i < 20; i++) losses.push(await ours.trainOnBatch(xs, ys) as number);
  assert.equal(tf.memory().numTensors, n, 'trainOnBatch must not leak');
  assert.ok(losses[losses.length - 1] < losses[0], `loss fell: ${losses[0]} → ${losses[losses.length - 1]}`);
  for (let i = 0; i < 20; i++) await builtin.trainOnBatch(xs, ys);
  ours.getWeights().forEach((w, i) => {
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(w, builtin.getWeights()[i]))).dataSync()[0]);
    assert.ok(diff < 1e-5, `weight ${i} differs by ${diff}`);
  });
  const history = await ours.fit(xs, ys, { epochs: 2, batchSize: 2, verbose: 0 });
  assert.equal(history.history.loss.length, 2);
  [ours, builtin].forEach((m) => { m.optimizer.dispose(); m.dispose(); });
  tf.dispose([xs, ys]);
});

test('a tf.layers model saved with its optimizer reloads it (class, config and state)', async () => {
  const xs = tf.tensor2d([[0, 1, 2], [1, 0, -1]]);
  const ys = tf.tensor2d([[1], [0]]);
  const model = tinyModel();
  model.compile({ optimizer: createOptimizer('nadam', { learningRate: exponentialDecay({ initialLearningRate: 0.01, decayRate: 0.5, decaySteps: 10 }) }), loss: 'meanSquaredError' });
  await model.trainOnBatch(xs, ys);
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => { artifacts = a; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }), { includeOptimizer: true });
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
  assert.equal(loaded.optimizer.getClassName(), 'AtlasNAdam');
  assert.deepEqual(loaded.optimizer.getConfig(), model.optimizer.getConfig());
  assert.equal((loaded.optimizer.getConfig().learningRate as { kind: string }).kind, 'exponential');
  assert.equal(loaded.optimizer.iterations, 1);
  const [restored, original] = [await loaded.optimizer.getWeights(), await model.optimizer.getWeights()];
  assert.deepEqual(restored.map((w) => w.name), original.map((w) => w.name));
  restored.forEach((w, i) => assert.deepEqual(Array.from(w.tensor.dataSync()), Array.from(original[i].tensor.dataSync())));
  // The reloaded model's variables have new names; training continues from the restored state exactly.
  assert.notEqual(loaded.trainableWeights[0].name, model.trainableWeights[0].name);
  for (let i = 0; i < 3; i++) {
    await model.trainOnBatch(xs, ys);
    await loaded.trainOnBatch(xs, ys);
  }
  loaded.getWeights().forEach((w, i) => assert.deepEqual(Array.from(w.dataSync()), Array.from(model.getWeights()[i].dataSync())));
  assert.equal((await loaded.optimizer.getWeights()).length, original.length, 'no stale state left behind');
  [model, loaded].forEach((m) => { m.optimizer.dispose(); m.dispose(); });
  tf.dispose([xs, ys]);
});

test('setWeights rejects state that belongs to another optimizer', async () => {
  const adam = createOptimizer('adam');
  const v = fresh();
  step(adam, [v], GRADS[0]);
  const sgdMomentum = createOptimizer('momentum');
  await assert.rejects(sgdMomentum.setWeights(await adam.getWeights()), /has state \[m, v\], but optimizer "momentum" keeps \[b\]/);
  [adam, sgdMomentum].forEach((o) => o.dispose());
  v.dispose();
});

test('a learning-rate schedule is evaluated at the optimizer’s step counter', () => {
  const schedule = stepDecay({ initialLearningRate: 1, factor: 0.5, dropEvery: 2 });
  const opt = createOptimizer('sgd', { learningRate: schedule });
  const v = fresh([0]);
  const seen: number[] = [];
  for (let i = 0; i < 5; i++) {
    seen.push(opt.currentLearningRate);
    step(opt, [v], [-1]); // θ += lr
  }
  assert.deepEqual(seen, [1, 1, 0.5, 0.5, 0.25]);
  assert.ok(Math.abs(v.dataSync()[0] - 3.25) < 1e-6);
  opt.dispose();
  v.dispose();
});

for (const name of ['adam', 'rmsprop'] as OptimizerName[]) {
  test(`${name}: dispose() frees every tensor the optimizer created`, () => {
    const v = fresh();
    const before = tf.memory().numTensors;
    const opt = createOptimizer(name, { learningRate: exponentialDecay({ initialLearningRate: 0.1, decayRate: 0.9 }) });
    GRADS.forEach((g) => step(opt, [v], g));
    opt.dispose();
    assert.equal(tf.memory().numTensors, before);
    v.dispose();
  });
}
