import { DiceKitError, LOSS_NAMES, METRIC_NAMES, type DiceKitBackend, type LossOptions, type MetricOptions, type TensorLike } from '@dicekit/core';
import { kernelPath } from './kernel/kernel-path.js';
import { computeLoss } from './losses/compute-loss.js';
import { kernelMemory } from './memory/kernel-memory.js';
import { computeMetric } from './metrics/compute-metric.js';
import { setKernelThreads } from './threads/kernel-threads.js';

/** The backend names this package registers with the conformance CLI. */
export type TypedArraysBackendName = 'typed-arrays' | 'typed-arrays-f32' | 'typed-arrays-kernel-memory';
const BACKEND_NAMES: readonly string[] = ['typed-arrays', 'typed-arrays-f32', 'typed-arrays-kernel-memory'];

/**
 * Copies of the float32 input, a float32 dense target and a uint8 / int32 label map in kernel memory
 * (`kernelMemory()`), so the kernels read them in place; other arrays are passed as they are. `release`
 * frees the copies.
 */
function inKernelMemory(tensor: TensorLike): { tensor: TensorLike; release: () => void } {
  const data = tensor.data;
  const memory = kernelMemory();
  let copy: Float32Array | Uint8Array | Int32Array | null = null;
  if (data instanceof Float32Array) copy = memory.float32(data.length);
  else if (data instanceof Uint8Array) copy = memory.uint8(data.length);
  else if (data instanceof Int32Array) copy = memory.int32(data.length);
  if (copy === null) return { tensor, release: () => undefined };
  copy.set(data as ArrayLike<number>);
  const owned = copy;
  return { tensor: { shape: tensor.shape, data: owned }, release: () => memory.free(owned) };
}

function toFloat32(tensor: TensorLike): TensorLike {
  const data = tensor.data;
  if (data instanceof Float32Array || data instanceof BigInt64Array) return tensor;
  return { shape: tensor.shape, data: Float32Array.from(data as ArrayLike<number>) };
}

function roundOptions<T extends LossOptions | MetricOptions>(options: T): T {
  return options.mask === undefined ? options : { ...options, mask: toFloat32(options.mask) };
}

/**
 * The conformance backend (`dicekit-conformance --backend <name>`): `'typed-arrays'` runs the kernels
 * on the case data as given (float64, or float32 for seeded volumes) and is held to the float64
 * tolerance; `'typed-arrays-f32'` first rounds the input, a dense target and the mask to Float32Array
 * (label maps stay integers) and is held to the float32 tolerance; `'typed-arrays-kernel-memory'` does
 * the same rounding, then places the input, the target and the gradient buffer in kernel memory and
 * runs the kernels in place on two threads (`setKernelThreads(2)`), float32 tolerance. All use the one
 * code path of the public API (`computeLoss`, `computeMetric`).
 */
export function createConformanceBackend(name: string = 'typed-arrays'): DiceKitBackend {
  if (!BACKEND_NAMES.includes(name)) {
    throw new DiceKitError('E_OPTION', `unknown typed-arrays backend ${JSON.stringify(name)}; expected one of ${BACKEND_NAMES.map((known) => `'${known}'`).join(', ')}`);
  }
  const float32 = name !== 'typed-arrays';
  const inPlace = name === 'typed-arrays-kernel-memory';
  const threads = inPlace ? setKernelThreads(2) : 1;
  const notes = [
    `fused kernels (one statistics pass, one gradient pass), float64 accumulation; path here: ${kernelPath()} (WebAssembly SIMD for float32 direct rows, JavaScript otherwise)`,
    float32 ? 'input, dense target and mask rounded to Float32Array before the call' : 'case data passed as given (Float64Array; Float32Array for seeded volumes)',
    ...(inPlace ? [`input, target and gradient buffer copied into kernelMemory() arrays; ${threads} kernel threads`] : []),
  ];
  return {
    name,
    capabilities: { precision: float32 ? 'float32' : 'float64', losses: LOSS_NAMES, metrics: METRIC_NAMES, gradient: true, notes },
    computeLoss(request) {
      const dense = request.options.targetFormat !== 'labels';
      const input = float32 ? toFloat32(request.input) : request.input;
      const target = float32 && dense ? toFloat32(request.target) : request.target;
      const options = float32 ? roundOptions(request.options) : request.options;
      if (!inPlace) {
        const result = computeLoss(request.loss, input, target, options, { gradient: request.gradient });
        return { loss: result.loss, gradient: result.gradient };
      }
      const placedInput = inKernelMemory(input);
      const placedTarget = inKernelMemory(target);
      const gradient = request.gradient && input.data instanceof Float32Array ? kernelMemory().float32(input.data.length) : request.gradient;
      try {
        const result = computeLoss(request.loss, placedInput.tensor, placedTarget.tensor, options, { gradient });
        const copied = result.gradient === null ? null : { shape: result.gradient.shape, data: result.gradient.data.slice() };
        return { loss: result.loss, gradient: copied };
      } finally {
        placedInput.release();
        placedTarget.release();
        if (gradient instanceof Float32Array) kernelMemory().free(gradient);
      }
    },
    computeMetric(request) {
      const dense = request.options.targetFormat !== 'labels';
      const input = float32 ? toFloat32(request.input) : request.input;
      const target = float32 && dense ? toFloat32(request.target) : request.target;
      const options = float32 ? roundOptions(request.options) : request.options;
      return computeMetric(request.metric, input, target, options);
    },
  };
}
