// Keras-style initialisation computed in plain JS from our seeded PRNG, so that the same seed gives
// bit-identical weights on every backend (tfjs's own random ops differ in how they draw).
import * as tf from '@tensorflow/tfjs';
import { createRng, deriveSeed } from '../data/random';

let instances = 0;

/** Creates a model's variables: unique name prefix per instance, one seeded stream per variable. */
export class VariableFactory {
  readonly variables: tf.Variable[] = [];
  private readonly prefix: string;

  constructor(modelName: string, private readonly seed: number) {
    // tfjs keeps one global registry of variable names; two models of the same kind must not clash.
    this.prefix = `${modelName}_${++instances}`;
  }

  /** Glorot (Xavier) uniform: U(-l, l) with l = sqrt(6 / (fanIn + fanOut)), Keras's default kernel init. */
  glorotUniform(name: string, shape: number[], fanIn: number, fanOut: number): tf.Variable {
    return this.uniform(name, shape, Math.sqrt(6 / (fanIn + fanOut)));
  }

  /** U(-limit, limit); Keras's Embedding default is limit 0.05. */
  uniform(name: string, shape: number[], limit: number): tf.Variable {
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
    // Each variable has its own stream, so adding a layer does not change the others' values.
    const rng = createRng(deriveSeed(this.seed, name));
    for (let i = 0; i < values.length; i++) values[i] = (2 * rng.next() - 1) * limit;
    return this.add(name, tf.tensor(values, shape, 'float32'));
  }

  zeros(name: string, shape: number[]): tf.Variable {
    return this.add(name, tf.zeros(shape, 'float32'));
  }

  private add(name: string, initial: tf.Tensor): tf.Variable {
    const v = tf.variable(initial, true, `${this.prefix}/${name}`);
    initial.dispose();
    this.variables.push(v);
    return v;
  }
}

export function countParams(variables: tf.Variable[]): number {
  return variables.reduce((n, v) => n + v.size, 0);
}

/** Shape check for a model's input with an error that says what was expected. */
export function expectInput(model: string, x: tf.Tensor, rank: number, lastDim: number, dtype: tf.DataType): void {
  if (x.rank !== rank || x.shape[rank - 1] !== lastDim || x.dtype !== dtype) {
    const want = rank === 2 ? `[batch, ${lastDim}]` : `rank ${rank}, last dim ${lastDim}`;
    throw new Error(`${model}.predict: expected a ${dtype} tensor ${want}, got ${x.dtype} [${x.shape.join(', ')}].`);
  }
}
