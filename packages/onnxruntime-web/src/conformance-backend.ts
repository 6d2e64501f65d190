import {
  DiceKitError,
  LOSS_NAMES,
  METRIC_NAMES,
  metricFromStatistics,
  prepareLoss,
  prepareMetric,
  type DiceKitBackend,
  type TensorLike,
} from '@dicekit/core';
import type { ExecutionProviders, OrtModule } from './runtime/ort-runtime.js';
import { resolveOrt } from './runtime/ort-runtime.js';
import { checkDataFast } from './runtime/fast-data-check.js';
import { ortTensorOf } from './runtime/ort-tensors.js';
import { runLoss, runLossGraph } from './runtime/run-loss.js';
import { runMetricStatistics } from './runtime/run-metric.js';
import { SessionCache } from './runtime/session-cache.js';

/** Settings of {@link createOnnxBackend}. */
export interface OnnxBackendSettings {
  /** Backend name reported to the conformance kit (default `'onnxruntime-web'`). */
  readonly name?: string;
  /** The ort module (default: `onnxruntime-web`). */
  readonly ort?: OrtModule;
  /** Default `['wasm']`. */
  readonly executionProviders?: ExecutionProviders;
  /** wasm threads (`ort.env.wasm.numThreads`, set before the first session); default: left as is. */
  readonly numThreads?: number;
  /**
   * `'host'` (default): statistics graph + core's formulas + gradient graph. `'graph'`: the single
   * in-graph loss model (formulas and gradient in ONNX nodes): proves the exported `.onnx` against
   * the golden cases.
   */
  readonly formulas?: 'host' | 'graph';
}

/**
 * The conformance backend: host typed arrays in, float32 tensors through the statistics and gradient
 * graphs, core's formulas on the statistics. Data checks run once on the ORIGINAL host arrays
 * (before the float32 rounding), through core's `prepareLoss` / `prepareMetric`.
 */
export async function createOnnxBackend(settings: OnnxBackendSettings = {}): Promise<DiceKitBackend> {
  const ort = await resolveOrt(settings.ort);
  if (settings.numThreads !== undefined) ort.env.wasm.numThreads = settings.numThreads;
  const cache = new SessionCache(ort, { executionProviders: settings.executionProviders ?? ['wasm'] });
  const name = settings.name ?? 'onnxruntime-web';
  // Host arrays to ort tensors, the same way for losses and metrics.
  const tensorsOf = (request: { input: TensorLike; target: TensorLike; options: { targetFormat?: string; mask?: TensorLike } }) => ({
    input: ortTensorOf(ort, request.input, 'float'),
    target: ortTensorOf(ort, request.target, request.options.targetFormat === 'labels' ? 'labels' : 'float'),
    mask: request.options.mask === undefined ? null : ortTensorOf(ort, request.options.mask, 'float'),
  });
  return {
    name,
    capabilities: {
      precision: 'float32',
      losses: LOSS_NAMES,
      metrics: METRIC_NAMES,
      gradient: true,
      notes: [
        `onnxruntime-web ${ort.env.versions?.web ?? ''} on ${JSON.stringify(settings.executionProviders ?? ['wasm'])}`,
        'statistics graph (float32 elementwise, float32 partial sums of <= 128 voxels through GlobalAveragePool where a power-of-two chunk divides the voxel count, else <= 4096 voxels through ReduceSum; float64 second level) + core per-pair formulas + gradient graph',
      ],
    },
    async computeLoss(request) {
      const { mask: _mask, ...options } = request.options;
      const prepared = prepareLoss(request.loss, request.input, request.target, request.options, { checkData: false });
      checkDataFast(prepared.options, prepared.geometry, request.input, request.target, prepared.mask);
      const tensors = tensorsOf(request);
      const result =
        settings.formulas === 'graph'
          ? await runLossGraph(cache, request.loss, options, tensors, { gradient: request.gradient, checkData: false })
          : await runLoss(cache, request.loss, options, tensors, { gradient: request.gradient, checkData: false });
      const gradient = result.gradient === null ? null : { shape: [...result.gradient.dims], data: result.gradient.data as Float32Array };
      return { loss: result.loss, gradient };
    },
    async computeMetric(request) {
      const { mask: _mask, ...options } = request.options;
      const prepared = prepareMetric(request.metric, request.input, request.target, request.options, { checkData: false });
      checkDataFast(prepared.options, prepared.geometry, request.input, request.target, prepared.mask);
      const tensors = tensorsOf(request);
      const { statistics } = await runMetricStatistics(cache, request.metric, options, tensors, { checkData: false });
      const result = metricFromStatistics(prepared.options, prepared.classes, statistics);
      return { scores: result.scores, mean: result.mean, perClass: result.perClass, counted: result.counted };
    },
    dispose: () => cache.dispose(),
  };
}

/**
 * The conformance CLI's entry: `'onnxruntime-web'` (wasm EP, 1 thread) and
 * `'onnxruntime-web-2threads'` (wasm EP, 2 threads).
 */
export function createConformanceBackend(name: string): Promise<DiceKitBackend> {
  if (name === 'onnxruntime-web') return createOnnxBackend({ name, numThreads: 1 });
  if (name === 'onnxruntime-web-2threads') return createOnnxBackend({ name, numThreads: 2 });
  throw new DiceKitError('E_OPTION', `unknown onnxruntime-web backend '${name}' (known: onnxruntime-web, onnxruntime-web-2threads)`);
}
