// Identity and same-dtype Cast on wasm copy the whole tensor. The engine runs Identity for every
// tensor it saves for the backward pass (tf.clone), so a training step copies its weights and
// activations once more for nothing. Tensors are immutable (a Variable's assign swaps its dataId),
// so sharing the memory with a reference count, as Reshape already does, is safe.
import * as tf from '@tensorflow/tfjs';
import { asWasm, overrideWasmKernel, type WasmKernelFunc } from './kernel-override';

const share: WasmKernelFunc = ({ inputs, backend }) => {
  const { x } = inputs as { x: tf.TensorInfo };
  asWasm(backend).incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
};

export function installSharedCopies(): () => void {
  const undo = [
    overrideWasmKernel('Identity', (stock) => (args) => ((args.inputs.x as tf.TensorInfo).dtype === 'string' ? stock(args) : share(args))),
    overrideWasmKernel('Cast', (stock) => (args) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      return (args.attrs as { dtype?: tf.DataType }).dtype === x.dtype && x.dtype !== 'string' ? share(args) : stock(args);
    }),
  ];
  return () => undo.reverse().forEach((u) => u());
}
