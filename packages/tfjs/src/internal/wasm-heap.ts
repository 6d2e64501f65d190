import * as tf from '@tensorflow/tfjs-core';

type HeapArray = Float32Array | Int32Array | Uint8Array;

/** What this package uses of tfjs-backend-wasm's `BackendWasm` (public methods its kernels call). */
interface HeapBackend {
  typedArrayFromHeap(info: tf.TensorInfo): HeapArray;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

/**
 * The wasm backend when it is the active one and offers the heap access its own kernels use, else null.
 *
 * Why: `dataSync` on wasm copies the tensor out of the WebAssembly heap into a fresh buffer and
 * `tf.tensor` copies the gradient back in; for shape B (7M floats) the copies and the page faults of
 * the fresh 28 MB buffers cost 20-40 ms per call, a quarter of the whole forward + gradient. Reading
 * and writing the heap in place avoids both. Feature-detected: a backend without these methods falls
 * back to `dataSync` and `tf.tensor`.
 */
export function wasmHeapBackend(): HeapBackend | null {
  if (tf.getBackend() !== 'wasm') return null;
  const backend = tf.backend() as unknown as Partial<HeapBackend>;
  if (typeof backend.typedArrayFromHeap !== 'function' || typeof backend.makeOutput !== 'function') return null;
  return backend as HeapBackend;
}

/**
 * A view of `tensor`'s data in the wasm heap (no copy), or null for strings. Valid only until the
 * heap grows (any tf allocation may grow it; the view's length then drops to 0) or the tensor's data
 * are freed: read it before allocating tensors, or check `view.length` first.
 */
export function heapView(backend: HeapBackend, tensor: tf.Tensor): HeapArray | null {
  if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32' && tensor.dtype !== 'bool') return null;
  return backend.typedArrayFromHeap({ dataId: tensor.dataId, shape: tensor.shape, dtype: tensor.dtype });
}

/**
 * A new float32 tensor of `shape` whose data `write` fills in place in the wasm heap. `write` must set
 * every element (the memory is not cleared) and must not allocate tensors.
 */
export function heapTensor(backend: HeapBackend, shape: number[], write: (output: Float32Array) => void): tf.Tensor {
  const info = backend.makeOutput(shape, 'float32');
  try {
    write(backend.typedArrayFromHeap(info) as Float32Array);
  } catch (error) {
    // The data have no tensor yet: wrap and dispose them so the heap memory is freed.
    tf.engine().makeTensorFromTensorInfo(info).dispose();
    throw error;
  }
  return tf.engine().makeTensorFromTensorInfo(info);
}
