import { voxelAccess } from '../geometry/voxel-access.js';
import type { MetricName, MetricOptions } from '../options/option-types.js';
import { computeStatistics } from '../statistics/compute-statistics.js';
import type { PairStatistics } from '../statistics/pair-statistics.js';
import type { TensorLike } from '../tensor/tensor.js';
import { binarize } from './binarize.js';
import { metricFromStatistics, type MetricResult } from './metric-from-statistics.js';
import { prepareMetric, type PreparedMetric } from './prepare-metric.js';

/** The binarised statistics `[N, C]` of SPEC.md section 6 (plain sums, no smoothing). */
export function hardStatistics(prepared: PreparedMetric, input: TensorLike, target: TensorLike): PairStatistics {
  const hard = binarize(prepared.options, prepared.geometry, input);
  const access = voxelAccess(prepared.options, prepared.geometry, target, prepared.mask);
  return computeStatistics({ squared: false, absoluteDifference: false }, prepared.geometry, hard, access);
}

/**
 * The float64 reference of the hard metrics `dice` (`2I / (P + T)`) and `iou` (`I / (P + T - I)`)
 * on binarised predictions (argmax or threshold), SPEC.md section 6.
 *
 * Shapes as for the losses; results: `scores` `[N, C']` (`[C']` with batchDice), `mean`, `perClass`
 * `[C']`, `counted`, and per-pair `precision` and `recall`.
 */
export function computeMetric(metric: MetricName, input: TensorLike, target: TensorLike, options?: MetricOptions): MetricResult {
  const prepared = prepareMetric(metric, input, target, options);
  return metricFromStatistics(prepared.options, prepared.classes, hardStatistics(prepared, input, target));
}

/** Hard Dice score per pair (SPEC.md section 6). */
export function diceMetric(input: TensorLike, target: TensorLike, options?: MetricOptions): MetricResult {
  return computeMetric('dice', input, target, options);
}

/** Hard IoU (Jaccard index) per pair (SPEC.md section 6). */
export function iouMetric(input: TensorLike, target: TensorLike, options?: MetricOptions): MetricResult {
  return computeMetric('iou', input, target, options);
}
