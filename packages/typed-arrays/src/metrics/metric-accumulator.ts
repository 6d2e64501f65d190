import { MetricAccumulator, prepareMetric, type MetricName, type MetricOptions, type TensorLike } from '@dicekit/core';
import { hardStatistics } from './hard-statistics.js';

/**
 * Core's exact streaming accumulator (`update`, `addStatistics`, `merge`, `compute`, `toJSON`) whose
 * `update` runs the fused typed-array kernel. Its state and JSON form are core's, so accumulators of
 * either kind merge with each other.
 */
export class TypedArrayMetricAccumulator extends MetricAccumulator {
  /** Adds a batch (each of its `N` samples is one case) through the fused kernel. Inputs are not modified. */
  override update(input: TensorLike, target: TensorLike, extra: { mask?: TensorLike; caseIds?: readonly string[] } = {}): this {
    const { ignoreIndex, classes, ...rest } = this.options;
    const options: MetricOptions = { ...rest, ignoreIndex: ignoreIndex ?? undefined, classes: classes ?? undefined, mask: extra.mask };
    const prepared = prepareMetric(this.metric, input, target, options, { checkData: false });
    this.addStatistics(hardStatistics(prepared, input, target), extra.caseIds);
    return this;
  }
}

/**
 * Creates a streaming metric accumulator (SPEC.md section 6): per-(case, class) statistics, per-class
 * `micro` and `macro` scores. `options` as for the metrics, without `mask` (pass it per update) and
 * without `batchDice`.
 */
export function createMetricAccumulator(metric: MetricName, options: Omit<MetricOptions, 'mask'> = {}): TypedArrayMetricAccumulator {
  return new TypedArrayMetricAccumulator(metric, options);
}
