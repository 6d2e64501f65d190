import { metricFromStatistics, prepareMetric, type MetricName, type MetricOptions, type MetricResult, type TensorLike } from '@dicekit/core';
import { hardStatistics } from './hard-statistics.js';

/**
 * The hard metrics of SPEC.md section 6 (`dice` `2I / (P + T)`, `iou` `I / (P + T - I)`) over typed
 * arrays: binarisation, data checks and statistics in one fused pass, then core's
 * `metricFromStatistics`. Results as core's `computeMetric`: `scores` `[N, C']` (`[C']` with
 * `batchDice`), `mean`, `perClass` `[C']`, `counted`, `precision`, `recall`, `statistics`.
 *
 * @throws DiceKitError with the codes of SPEC.md section 7. Inputs are never modified.
 */
export function computeMetric(metric: MetricName, input: TensorLike, target: TensorLike, options?: MetricOptions): MetricResult {
  const prepared = prepareMetric(metric, input, target, options, { checkData: false });
  return metricFromStatistics(prepared.options, prepared.classes, hardStatistics(prepared, input, target));
}
