import { MetricAccumulator, type AccumulatedMetrics, type MetricAccumulatorState, type MetricName, type MetricOptions } from '@dicekit/core';
import type * as tf from '@tensorflow/tfjs-core';
import { tensorMetricStatistics } from './tensor-metric-statistics.js';

/**
 * Exact streaming evaluation over tf tensors: each `update` computes the batch's binarised
 * statistics on the device (chunked, read back in float64) and adds them to core's
 * `MetricAccumulator`, one case per sample. Results (`compute`: per case, micro and macro per class)
 * do not depend on how the dataset was split into batches. Layout defaults to channels-last.
 */
export class TensorMetricAccumulator {
  /** The underlying host accumulator (merge, JSON state). */
  readonly accumulator: MetricAccumulator;
  private readonly options: Omit<MetricOptions, 'mask'>;

  constructor(metric: MetricName, options: Omit<MetricOptions, 'mask'> = {}) {
    this.options = { layout: 'channels-last', ...options };
    this.accumulator = new MetricAccumulator(metric, this.options);
  }

  /** Cases accumulated so far. */
  get size(): number {
    return this.accumulator.size;
  }

  /** Adds a batch `(yTrue, yPred)`; `mask` is this batch's `[N, ...spatial]` weights. */
  update(yTrue: tf.Tensor, yPred: tf.Tensor, extra: { mask?: tf.Tensor; caseIds?: readonly string[]; checkData?: boolean } = {}): this {
    const { statistics } = tensorMetricStatistics(this.accumulator.metric, yTrue, yPred, {
      ...this.options,
      ...(extra.mask === undefined ? {} : { mask: extra.mask }),
      ...(extra.checkData === undefined ? {} : { checkData: extra.checkData }),
    });
    this.accumulator.addStatistics(statistics, extra.caseIds);
    return this;
  }

  /** Adds another accumulator's cases (another worker's, say). */
  merge(other: TensorMetricAccumulator | MetricAccumulator): this {
    this.accumulator.merge(other instanceof TensorMetricAccumulator ? other.accumulator : other);
    return this;
  }

  /** Dataset-level results. */
  compute(): AccumulatedMetrics {
    return this.accumulator.compute();
  }

  /** The JSON state (core's `dicekit-metric-statistics/1`). */
  toJSON(): MetricAccumulatorState {
    return this.accumulator.toJSON();
  }
}
