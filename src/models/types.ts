import type * as tf from '@tensorflow/tfjs';

export type ModelTask = 'classification' | 'link-prediction';

/**
 * A model as the training loop sees it: trainable variables and a forward pass to logits.
 * Classification: x float32 [b, 784] → logits [b, 10]. Link prediction: x int32 [p, 2] node
 * pairs → logits [p]. The loss applies softmax / sigmoid itself (numerically stable).
 */
export interface Model {
  name: string;
  task: ModelTask;
  /** Trainable variables: globally unique names, stable order (layer by layer, kernel before bias). */
  variables: tf.Variable[];
  /** Forward pass. `training` switches dropout on (seeded; each call draws a fresh mask). */
  predict(x: tf.Tensor, training: boolean): tf.Tensor;
  /** Number of trainable scalars. */
  numParams: number;
  /** Free the variables and any constant tensors the model holds. */
  dispose(): void;
}
