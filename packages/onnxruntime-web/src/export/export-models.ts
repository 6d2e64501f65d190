import {
  compoundKindOf,
  DiceKitError,
  resolveLossOptions,
  resolveMetricOptions,
  statisticsKindOf,
  type Layout,
  type LossName,
  type LossOptions,
  type MetricName,
  type MetricOptions,
} from '@dicekit/core';
import { buildGradientGraph } from '../graphs/gradient-graph.js';
import { buildLossGraph } from '../graphs/loss-graph.js';
import { FIRST_LEVEL_LIMIT, type InputVariant, type PredictionType, type ReductionPlan, type TargetType } from '../graphs/graph-variant.js';
import { buildStatisticsGraph, type CompoundSettings } from '../graphs/statistics-graph.js';
import { encodeModel } from '../onnx/onnx-model.js';

/** What the exported models accept. */
export interface ExportSettings {
  /** Number of spatial axes (2 for images, 3 for volumes). Every size stays symbolic. */
  readonly spatialRank: number;
  /** Default float32. */
  readonly predictionType?: PredictionType;
  /** Default float32 for dense targets, int64 for label maps. */
  readonly targetType?: TargetType;
  /** With a label map: whether C == 1 (the label is the binary target). Default false. */
  readonly singleChannelLabels?: boolean;
  /** Adds a float32 `mask` input. Default false. */
  readonly mask?: boolean;
  /**
   * Voxel-sum plan. Default: zero-padded chunks of 4096 voxels, valid for every shape; a
   * `{ kind: 'trailing', axes }` plan avoids the padding copy when the last `axes` spatial extents
   * multiply to at most a few thousand; `{ kind: 'pooled', chunk: 128 }` (GlobalAveragePool, the
   * fastest on onnxruntime's CPU kernels) only runs on volumes whose voxel count `chunk` divides.
   */
  readonly plan?: ReductionPlan;
  /** The whole-loss model also outputs `gradient` (d loss / d input, computed in the graph). Default false. */
  readonly gradient?: boolean;
}

/** ONNX model bytes (`.onnx`), loadable by any onnxruntime (Python, C++, web). */
export interface ExportedModels {
  /** Inputs `input`, `target`[, `mask`]; outputs `intersection`, `predictionSum`, `targetSum`[, `absoluteDifference`][, `compoundLoss`, `compoundWeight`], `[N, C]` float64. */
  readonly statistics: Uint8Array;
  /** Inputs as above plus the `[N, C]` float32 coefficients (and `compoundScale`); output `gradient`. */
  readonly gradient: Uint8Array;
  /**
   * The whole loss in one graph: inputs as the statistics model; outputs the statistics, `loss`
   * (float64, `[]` or the matrix for `'none'`), `lossMatrix` and, with `gradient: true`, `gradient`.
   * Every loss of SPEC.md section 4.
   */
  readonly loss: Uint8Array;
}

function inputVariant(options: { activation: InputVariant['activation']; layout: Layout; targetFormat: InputVariant['targetFormat']; ignoreIndex: number | null }, settings: ExportSettings): InputVariant {
  if (!Number.isInteger(settings.spatialRank) || settings.spatialRank < 1) {
    throw new DiceKitError('E_OPTION', `spatialRank must be an integer >= 1, got ${settings.spatialRank}`);
  }
  const labels = options.targetFormat === 'labels';
  return {
    activation: options.activation,
    layout: options.layout,
    targetFormat: options.targetFormat,
    predictionType: settings.predictionType ?? 'float32',
    targetType: settings.targetType ?? (labels ? 'int64' : 'float32'),
    spatialRank: settings.spatialRank,
    singleChannelLabels: labels && settings.singleChannelLabels === true,
    hasMask: settings.mask === true,
    ignoreIndex: labels ? options.ignoreIndex : null,
  };
}

function lossOptionsWithoutMask(resolved: ReturnType<typeof resolveLossOptions>) {
  const { mask: _mask, ...rest } = resolved;
  return rest;
}

/**
 * The statistics, gradient and whole-loss models of a loss with its options, as `.onnx` bytes. Run the
 * statistics model, evaluate the per-pair formula of SPEC.md section 4 on its `[N, C]` outputs (core's
 * `diceTermFromStatistics` in JavaScript, or the same few lines elsewhere), then feed the gradient
 * model the coefficients of core's `elementwiseCoefficients`. See the package README for the I/O table.
 */
export function exportLossModels(loss: LossName, options: Omit<LossOptions, 'mask'>, settings: ExportSettings): ExportedModels {
  const resolved = resolveLossOptions(loss, options);
  const base = inputVariant(resolved, settings);
  const kind = statisticsKindOf(resolved);
  const compoundKind = compoundKindOf(resolved.loss);
  const compound: CompoundSettings | null =
    compoundKind === null ? null : { kind: compoundKind, classWeights: resolved.classWeights, focalGamma: resolved.focalGamma, focalAlpha: resolved.focalAlpha };
  const plan = settings.plan ?? { kind: 'chunked', chunk: FIRST_LEVEL_LIMIT };
  // The graphs use opset-17 operator forms (ReduceSum axes as an input, ReduceMax/ReduceMean axes as attributes).
  const opset = 17;
  return {
    statistics: encodeModel({ graph: buildStatisticsGraph({ ...base, plan, kind, binarize: null, compound }), opset }),
    gradient: encodeModel({ graph: buildGradientGraph({ ...base, kind, compound }), opset }),
    loss: encodeModel({ graph: buildLossGraph({ ...base, plan, kind, binarize: null, compound, options: lossOptionsWithoutMask(resolved), withGradient: settings.gradient === true }), opset }),
  };
}

/** The binarised-statistics model of a metric (argmax or threshold inside), as `.onnx` bytes. */
export function exportMetricModel(metric: MetricName, options: Omit<MetricOptions, 'mask'>, settings: ExportSettings): Uint8Array {
  const resolved = resolveMetricOptions(metric, options);
  const base = inputVariant(resolved, settings);
  const plan = settings.plan ?? { kind: 'chunked', chunk: FIRST_LEVEL_LIMIT };
  return encodeModel({
    graph: buildStatisticsGraph({
      ...base,
      plan,
      kind: { squared: false, absoluteDifference: false },
      binarize: { argmax: resolved.argmax, threshold: resolved.argmax ? 0 : resolved.threshold },
      compound: null,
    }),
    opset: 17,
  });
}
