import { DiceKitError, LOSS_NAMES, METRIC_NAMES, type DiceKitBackend, type LossOptions, type MetricOptions, type TensorLike } from '@dicekit/core';
import { kernelPath } from './kernel/kernel-path.js';
import { computeLoss } from './losses/compute-loss.js';
import { computeMetric } from './metrics/compute-metric.js';

/** The backend names this package registers with the conformance CLI. */
export type TypedArraysBackendName = 'typed-arrays' | 'typed-arrays-f32';

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
 * (label maps stay integers) and is held to the float32 tolerance. Both use the one code path of the
 * public API (`computeLoss`, `computeMetric`).
 */
export function createConformanceBackend(name: string = 'typed-arrays'): DiceKitBackend {
  if (name !== 'typed-arrays' && name !== 'typed-arrays-f32') {
    throw new DiceKitError('E_OPTION', `unknown typed-arrays backend ${JSON.stringify(name)}; expected 'typed-arrays' or 'typed-arrays-f32'`);
  }
  const float32 = name === 'typed-arrays-f32';
  const notes = [
    `fused kernels (one statistics pass, one gradient pass), float64 accumulation; path here: ${kernelPath()} (WebAssembly SIMD for float32 direct rows, JavaScript otherwise)`,
    float32 ? 'input, dense target and mask rounded to Float32Array before the call' : 'case data passed as given (Float64Array; Float32Array for seeded volumes)',
  ];
  return {
    name,
    capabilities: { precision: float32 ? 'float32' : 'float64', losses: LOSS_NAMES, metrics: METRIC_NAMES, gradient: true, notes },
    computeLoss(request) {
      const dense = request.options.targetFormat !== 'labels';
      const input = float32 ? toFloat32(request.input) : request.input;
      const target = float32 && dense ? toFloat32(request.target) : request.target;
      const options = float32 ? roundOptions(request.options) : request.options;
      const result = computeLoss(request.loss, input, target, options, { gradient: request.gradient });
      return { loss: result.loss, gradient: result.gradient };
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
