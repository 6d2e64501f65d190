import type { MetricFunction, TensorMetricOptions } from '../types.js';
import { createMetric } from './create-metric.js';

/**
 * Hard Dice `2I / (P + T)` metric for `model.compile({ metrics })` (SPEC.md section 6): `(yTrue, yPred) => tf.Scalar`,
 * the mean over the non-NaN pair scores, or with `classIndex` that class's score. Layout defaults to
 * channels-last; argmax with softmax, threshold 0.5 otherwise.
 */
export function diceMetric(options: TensorMetricOptions = {}): MetricFunction {
  return createMetric('dice', options);
}
