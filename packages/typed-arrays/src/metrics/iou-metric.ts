import type { MetricOptions, MetricResult, TensorLike } from '@dicekit/core';
import { computeMetric } from './compute-metric.js';

/** Hard IoU `I / (P + T - I)` per pair (SPEC.md section 6), typed-array kernel of core's `iouMetric`. */
export function iouMetric(input: TensorLike, target: TensorLike, options?: MetricOptions): MetricResult {
  return computeMetric('iou', input, target, options);
}
