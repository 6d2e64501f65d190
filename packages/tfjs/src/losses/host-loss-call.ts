import {
  DiceKitError,
  elementwiseCoefficients,
  type ElementwiseCoefficients,
  type LossName,
  type LossOptions,
  type PreparedLoss,
} from '@dicekit/core';
import { lossPass } from '@dicekit/typed-arrays';
import * as tf from '@tensorflow/tfjs-core';
import { labelMapData } from '../internal/label-map-data.js';
import { heapTensor, heapView, wasmHeapBackend } from '../internal/wasm-heap.js';
import { scaledByUpstream } from '../internal/scaled-by-upstream.js';

/** The per-pair coefficients times `factor` (the gradient is linear in them). */
function scaledCoefficients(coefficients: ElementwiseCoefficients, factor: number): ElementwiseCoefficients {
  if (factor === 1) return coefficients;
  const scale = (values: Float64Array) => values.map((value) => value * factor);
  return {
    constant: scale(coefficients.constant),
    target: scale(coefficients.target),
    prediction: scale(coefficients.prediction),
    sign: scale(coefficients.sign),
  };
}

type HostData = Float32Array | Int32Array | Uint8Array;

/** The host arrays of one call: on wasm views of the heap (see wasmHeapBackend), else `dataSync`. */
interface HostArrays {
  readonly input: { readonly shape: number[]; readonly data: HostData };
  readonly target: { readonly shape: number[]; readonly data: HostData | number[] };
  readonly options: LossOptions;
  /** Whether a heap view went stale (the heap grew: views of the old buffer have length 0). */
  readonly stale: () => boolean;
}

function hostArrays(
  heap: ReturnType<typeof wasmHeapBackend>,
  prepared: PreparedLoss,
  coreOptions: LossOptions,
  input: tf.Tensor,
  target: tf.Tensor,
  mask: tf.Tensor | null,
): HostArrays {
  const { options } = prepared;
  const read = (tensor: tf.Tensor): HostData => {
    const data = (heap === null ? null : heapView(heap, tensor)) ?? (tensor.dataSync() as HostData);
    // The cpu backend may keep a float32 tensor in an Int32Array (an int32 cast, oneHot(...).toFloat()):
    // typed-arrays would widen it to float64 and run its JavaScript kernels (shape B dense: 240 ms
    // instead of 35 ms). Integer-backed label maps stay as they are.
    const integerLabels = tensor === target && options.targetFormat === 'labels';
    return tensor.dtype === 'float32' && data instanceof Int32Array && !integerLabels ? Float32Array.from(data) : data;
  };
  if (options.targetFormat === 'labels' && target.dtype !== 'int32' && target.dtype !== 'float32') {
    throw new DiceKitError('E_DTYPE', `label-map target has dtype '${target.dtype}'; expected 'int32' or 'float32'`);
  }
  const inputData = read(input);
  const targetRead = read(target);
  const targetData = options.targetFormat === 'labels' && targetRead instanceof Float32Array ? labelMapData(targetRead, target.shape, options.ignoreIndex) : targetRead;
  const maskData = mask === null ? null : read(mask);
  return {
    input: { shape: input.shape, data: inputData },
    target: { shape: target.shape, data: targetData },
    options: maskData === null || mask === null ? coreOptions : { ...coreOptions, mask: { shape: mask.shape, data: maskData } },
    stale: () => inputData.length !== input.size || targetData.length !== target.size || (mask !== null && maskData?.length !== mask.size),
  };
}

/**
 * The host path (cpu and wasm backends, every loss): the data are read where these backends keep
 * them (CPU memory) and handed to @dicekit/typed-arrays' `lossPass`: one fused float64 pass for the
 * activation, the data checks, the statistics and the compound term, then one fused gradient pass
 * into the new gradient tensor (on wasm both read and write the heap in place). Same customGrad contract as the tf-op path; `reduction: 'none'` gets the
 * gradient of `Σ dy · entries`.
 *
 * The data checks on the host arrays (E_NONFINITE, E_VALUE, E_LABEL) are fused into the statistics
 * pass and cost next to nothing, so they run even with `checkData: false`.
 */
export function hostLossCall(
  loss: LossName,
  coreOptions: LossOptions,
  prepared: PreparedLoss,
  mask: tf.Tensor | null,
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
): tf.Scalar {
  const withGradient = tf.customGrad(((prediction: tf.Tensor, save: tf.GradSaveFunc) => {
    // On wasm the passes read the heap in place; nothing allocates tensors between taking the views
    // and the pass.
    const heap = wasmHeapBackend();
    const sources = mask === null ? [prediction, yTrue] : [prediction, yTrue, mask];
    let arrays = hostArrays(heap, prepared, coreOptions, prediction, yTrue, mask);
    // typed-arrays' WebAssembly SIMD kernels take the float32 rows they cover ('auto'). On wasm this
    // beats feeding it tf.softmax's probabilities (shape B: tf.softmax and its read alone took
    // 105-120 ms, typed-arrays' whole forward 36 ms and its gradient 52 ms).
    let pass = lossPass(loss, arrays.input, arrays.target, arrays.options);
    // The engine then keeps the heap memory the gradient pass reads again until the backward pass.
    if (heap !== null) save(sources);
    const value = tf.tensor(Float32Array.from(pass.loss.data), pass.loss.shape, 'float32');
    return {
      value: value as tf.Scalar,
      gradFunc: (upstream: tf.Tensor, saved: tf.Tensor[]) => {
        const upstreamValues = upstream.dataSync() as Float32Array;
        const kind = pass.prepared.kind;
        let coefficients: ElementwiseCoefficients;
        let compoundScale = 1;
        if (upstream.rank === 0) {
          compoundScale = upstreamValues[0] as number;
          coefficients = scaledCoefficients(elementwiseCoefficients(kind, pass.diceTerm), compoundScale);
        } else {
          // Compound losses always reduce to a scalar: only the Dice term has per-entry upstreams.
          coefficients = elementwiseCoefficients(kind, scaledByUpstream(pass.prepared, pass.diceTerm, upstreamValues));
        }
        const write = (output: Float32Array) => {
          if (arrays.stale()) {
            // The heap grew since the forward pass (its old views are detached): the same data, read
            // again from the saved tensors; the statistics and coefficients do not change.
            const [input, target, weights] = saved.length === sources.length ? saved : sources;
            arrays = hostArrays(heap, prepared, coreOptions, input as tf.Tensor, target as tf.Tensor, weights ?? null);
            pass = lossPass(loss, arrays.input, arrays.target, arrays.options);
          }
          pass.gradient(output, coefficients, compoundScale);
        };
        if (heap !== null && wasmHeapBackend() === heap) return heapTensor(heap, yPred.shape, write);
        const gradient = new Float32Array(prediction.size);
        write(gradient);
        return tf.tensor(gradient, yPred.shape, 'float32');
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return withGradient(yPred) as tf.Scalar;
}
