import {
  DiceKitError,
  LOSS_NAMES,
  METRIC_NAMES,
  prepareLoss,
  prepareMetric,
  metricFromStatistics,
  type DiceKitBackend,
  type LossRequest,
  type MetricRequest,
  type NumericData,
  type TensorLike,
} from '@dicekit/core';
import * as tf from '@tensorflow/tfjs-core';
import { createLoss } from './losses/create-loss.js';
import type { KernelChoice } from './types.js';
import { lossValueAndGradient } from './losses/loss-value-and-gradient.js';
import { tensorMetricStatistics, tensorMetricStatisticsAsync } from './metrics/tensor-metric-statistics.js';

/** The conformance backends this package provides. */
export type TensorBackendName = 'tfjs-cpu' | 'tfjs-wasm' | 'tfjs-webgl' | 'tfjs-webgpu';

function tfBackendOf(name: string): string {
  switch (name) {
    case 'tfjs-cpu':
      return 'cpu';
    case 'tfjs-wasm':
      return 'wasm';
    case 'tfjs-webgl':
      return 'webgl';
    case 'tfjs-webgpu':
      return 'webgpu';
    default:
      throw new DiceKitError('E_OPTION', `unknown tfjs conformance backend '${name}' (tfjs-cpu, tfjs-wasm, tfjs-webgl, tfjs-webgpu)`);
  }
}

function floatTensor(tensor: TensorLike): tf.Tensor {
  const data = tensor.data instanceof Float32Array ? tensor.data : Float32Array.from(tensor.data as ArrayLike<number>);
  return tf.tensor(data, [...tensor.shape], 'float32');
}

function targetTensor(tensor: TensorLike, labels: boolean): tf.Tensor {
  if (!labels) return floatTensor(tensor);
  const data: NumericData = tensor.data;
  const values = data instanceof BigInt64Array ? Int32Array.from(data, (value) => Number(value)) : Int32Array.from(data as ArrayLike<number>);
  return tf.tensor(values, [...tensor.shape], 'int32');
}

/**
 * A conformance backend running the package's public code path (`createLoss`, the metrics) on a
 * tfjs backend: `'tfjs-cpu'` and `'tfjs-wasm'` in Node, `'tfjs-webgl'`/`'tfjs-webgpu'` in browsers
 * (the tfjs backend package must be imported by the caller: `@tensorflow/tfjs` registers cpu and
 * webgl, `@tensorflow/tfjs-backend-wasm` wasm, `@tensorflow/tfjs-backend-webgpu` webgpu).
 *
 * Data checks: the request's host arrays are validated by core (`prepareLoss`/`prepareMetric`,
 * exact messages with positions) before the tf path runs; the tf path then runs with its own
 * device-side checks off, since they would only repeat the host's. Precision 'float32'.
 * `settings.kernel` forces a loss code path (default 'auto': the host path, @dicekit/typed-arrays'
 * kernels, on cpu and wasm for every loss, tf ops otherwise); metrics always run on tf ops. `settings.asynchronous` (default:
 * webgpu only) runs `lossValueAndGradient` and the async metric statistics instead of the sync path.
 */
export async function createConformanceBackend(name: TensorBackendName | string, settings: { kernel?: KernelChoice; asynchronous?: boolean } = {}): Promise<DiceKitBackend> {
  const kernel = settings.kernel ?? 'auto';
  const backendName = tfBackendOf(name);
  // Register what Node needs; browsers import their tfjs backend packages themselves.
  if (backendName === 'cpu') await import('@tensorflow/tfjs');
  if (backendName === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend(backendName))) {
    throw new DiceKitError('E_OPTION', `tfjs backend '${backendName}' could not be initialised (is its package imported?)`);
  }
  await tf.ready();
  // webgpu's synchronous read goes through a canvas and is unreliable off real GPUs (it returns
  // zeros on SwiftShader): read asynchronously there, through the public async entry points.
  const asynchronous = settings.asynchronous ?? backendName === 'webgpu';
  return {
    name,
    capabilities: {
      precision: 'float32',
      losses: LOSS_NAMES,
      metrics: METRIC_NAMES,
      gradient: true,
      notes: [
        `tf backend '${tf.getBackend()}', loss kernel '${kernel}' (auto: @dicekit/typed-arrays' fused host passes on cpu/wasm, chunked tf reductions otherwise)`,
        'gradient: tf.customGrad from core statistics derivatives (one elementwise pass); data checks by core on the host arrays',
      ],
    },
    async computeLoss(request: LossRequest) {
      const options = { layout: 'channels-first' as const, ...request.options };
      const { mask, ...rest } = options;
      prepareLoss(request.loss, request.input, request.target, options);
      const input = floatTensor(request.input);
      const target = targetTensor(request.target, options.targetFormat === 'labels');
      const maskTensor = mask === undefined ? undefined : floatTensor(mask);
      const owned = [input, target, ...(maskTensor === undefined ? [] : [maskTensor])];
      try {
        const lossFunction = createLoss(request.loss, { ...rest, checkData: false, kernel, ...(maskTensor === undefined ? {} : { mask: maskTensor }) });
        if (asynchronous) {
          const { value, gradient } = await lossValueAndGradient(lossFunction, target, input);
          owned.push(value, gradient);
          return {
            loss: { shape: value.shape, data: (await value.data()).slice() },
            ...(request.gradient ? { gradient: { shape: gradient.shape, data: (await gradient.data()).slice() } } : {}),
          };
        }
        if (!request.gradient) {
          const value = lossFunction(target, input);
          owned.push(value);
          return { loss: { shape: value.shape, data: value.dataSync().slice() } };
        }
        const { value, grad } = tf.valueAndGrad((prediction: tf.Tensor) => lossFunction(target, prediction))(input);
        owned.push(value, grad);
        return {
          loss: { shape: value.shape, data: value.dataSync().slice() },
          gradient: { shape: grad.shape, data: grad.dataSync().slice() },
        };
      } finally {
        tf.dispose(owned);
      }
    },
    async computeMetric(request: MetricRequest) {
      const options = { layout: 'channels-first' as const, ...request.options };
      const { mask, ...rest } = options;
      prepareMetric(request.metric, request.input, request.target, options);
      const input = floatTensor(request.input);
      const target = targetTensor(request.target, options.targetFormat === 'labels');
      const maskTensor = mask === undefined ? undefined : floatTensor(mask);
      try {
        const settings = { ...rest, checkData: false, ...(maskTensor === undefined ? {} : { mask: maskTensor }) };
        const { prepared, statistics } = asynchronous
          ? await tensorMetricStatisticsAsync(request.metric, target, input, settings)
          : tensorMetricStatistics(request.metric, target, input, settings);
        const result = metricFromStatistics(prepared.options, prepared.classes, statistics);
        return { scores: result.scores, mean: result.mean, perClass: result.perClass, counted: result.counted };
      } finally {
        tf.dispose([input, target, ...(maskTensor === undefined ? [] : [maskTensor])]);
      }
    },
  };
}
