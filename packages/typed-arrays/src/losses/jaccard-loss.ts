import type { JaccardLossOptions, TensorLike } from '@dicekit/core';
import { computeLoss, type TypedArrayLossResult, type TypedArraySettings } from './compute-loss.js';

/**
 * Jaccard (IoU) loss per pair: `1 - (I + sN) / (P + T - I + sD)`.
 *
 * Typed-array kernel of core's `jaccardLoss` (same options, same results within float64 rounding).
 * Shapes: `input` `[N, C, ...spatial]` (channels-last `[N, ...spatial, C]`, Float32Array or
 * Float64Array); `target` the same, or `[N, ...spatial]` with `targetFormat: 'labels'`.
 * `settings.gradient`: `true` or a Float32Array / Float64Array of the input's length to write
 * `d(sum of loss)/d(input)` into.
 */
export function jaccardLoss(input: TensorLike, target: TensorLike, options?: JaccardLossOptions, settings?: TypedArraySettings): TypedArrayLossResult {
  return computeLoss('jaccard', input, target, options, settings);
}
