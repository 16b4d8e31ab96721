// Layer ops written with kernels every backend has. The stock wasm backend (tfjs 4.22) has no
// Conv2DBackpropFilter and no UnsortedSegmentSum (the gradient of gather), so conv2d and gather
// cannot be trained there; these equivalents use slice/concat/oneHot/matMul only, whose gradients
// exist everywhere (and matMul is the op the wasm speed patches accelerate).
import * as tf from '@tensorflow/tfjs';

/**
 * Rows `indices` of `table` as oneHot(indices) · table: [p] → [p, d]. Same values as tf.gather,
 * and a matMul gradient; meant for small tables (graph nodes, embeddings of a few dozen rows).
 */
export function gatherRows(table: tf.Tensor2D, indices: tf.Tensor1D): tf.Tensor2D {
  return tf.matMul(tf.oneHot(indices, table.shape[0]), table);
}

export type ConvPadding = 'valid' | 'same';

/**
 * For 'valid' windows of a [h, w, cin] image flattened to h·w·cin values: the source index of
 * every patch element, in im2col order (window row-major, then dy, dx, c).
 */
export function im2colIndex(h: number, w: number, cin: number, kh: number, kw: number): Int32Array {
  const [oh, ow] = [h - kh + 1, w - kw + 1];
  const out = new Int32Array(oh * ow * kh * kw * cin);
  let k = 0;
  for (let i = 0; i < oh; i++) {
    for (let j = 0; j < ow; j++) {
      for (let dy = 0; dy < kh; dy++) {
        for (let dx = 0; dx < kw; dx++) for (let c = 0; c < cin; c++) out[k++] = ((i + dy) * w + j + dx) * cin + c;
      }
    }
  }
  return out;
}

/**
 * 2-D convolution, stride 1, NHWC, as im2col + one fused matMul: the kh·kw shifted windows of x
 * are concatenated along channels ([b, oh, ow, kh·kw·cin], ordered (dy, dx, c) like the rows of
 * the HWIO filter reshaped to [kh·kw·cin, cout]), then multiplied by the filter with bias and
 * activation fused. 'same' pads like Keras (the extra row/column of an even kernel goes after).
 *
 * `patchIndex` (from im2colIndex, 'valid' only) builds the patches with one gather instead of
 * kh·kw slices and a concat: about 3× faster on wasm, but gather has no gradient there, so use it
 * only where x needs none (a network's input).
 */
export function conv2dIm2col(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  bias: tf.Tensor1D,
  activation: 'relu' | 'linear',
  padding: ConvPadding,
  patchIndex?: tf.Tensor1D,
): tf.Tensor4D {
  const [kh, kw, cin, cout] = filter.shape;
  if (x.shape[3] !== cin) throw new Error(`conv2dIm2col: input has ${x.shape[3]} channels, filter expects ${cin}.`);
  const flatFilter = tf.reshape(filter, [kh * kw * cin, cout]) as tf.Tensor2D;
  if (patchIndex) {
    const [b, h, w] = x.shape;
    const [oh, ow] = [h - kh + 1, w - kw + 1];
    if (padding !== 'valid' || patchIndex.size !== oh * ow * kh * kw * cin) {
      throw new Error(`conv2dIm2col: patchIndex must come from im2colIndex(${h}, ${w}, ${cin}, ${kh}, ${kw}) with 'valid' padding.`);
    }
    const patches = tf.reshape(tf.gather(tf.reshape(x, [b, h * w * cin]), patchIndex, 1), [b * oh * ow, kh * kw * cin]) as tf.Tensor2D;
    return tf.reshape(tf.fused.matMul({ a: patches, b: flatFilter, bias, activation }), [b, oh, ow, cout]);
  }
  let input = x;
  if (padding === 'same') {
    const [top, left] = [Math.floor((kh - 1) / 2), Math.floor((kw - 1) / 2)];
    input = tf.pad(x, [[0, 0], [top, kh - 1 - top], [left, kw - 1 - left], [0, 0]]);
  }
  const [b, h, w] = input.shape;
  const [oh, ow] = [h - kh + 1, w - kw + 1];
  const windows: tf.Tensor4D[] = [];
  for (let dy = 0; dy < kh; dy++) {
    for (let dx = 0; dx < kw; dx++) windows.push(tf.slice(input, [0, dy, dx, 0], [b, oh, ow, cin]));
  }
  const patches = tf.reshape(windows.length === 1 ? windows[0] : tf.concat(windows, 3), [b * oh * ow, kh * kw * cin]) as tf.Tensor2D;
  const out = tf.fused.matMul({ a: patches, b: flatFilter, bias, activation });
  return tf.reshape(out, [b, oh, ow, cout]);
}
