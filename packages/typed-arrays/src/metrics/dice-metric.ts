import type { MetricOptions, MetricResult, TensorLike } from '@dicekit/core';
import { computeMetric } from './compute-metric.js';

/** Hard Dice score `2I / (P + T)` per pair (SPEC.md section 6), typed-array kernel of core's `diceMetric`. */
export function diceMetric(input: TensorLike, target: TensorLike, options?: MetricOptions): MetricResult {
  return computeMetric('dice', input, target, options);
}
