import type { TverskyLossOptions, TensorLike } from '@dicekit/core';
import { computeLoss, type TypedArrayLossResult, type TypedArraySettings } from './compute-loss.js';

/**
 * Tversky loss per pair: `max(1 - TI, 0)^gamma`, `TI = (I + sN) / (I + alpha·FP + beta·FN + sD)` (alpha = beta = 0.5, gamma = 1 by default; focal Tversky with gamma = 0.75).
 *
 * Typed-array kernel of core's `tverskyLoss` (same options, same results within float64 rounding).
 * Shapes: `input` `[N, C, ...spatial]` (channels-last `[N, ...spatial, C]`, Float32Array or
 * Float64Array); `target` the same, or `[N, ...spatial]` with `targetFormat: 'labels'`.
 * `settings.gradient`: `true` or a Float32Array / Float64Array of the input's length to write
 * `d(sum of loss)/d(input)` into.
 */
export function tverskyLoss(input: TensorLike, target: TensorLike, options?: TverskyLossOptions, settings?: TypedArraySettings): TypedArrayLossResult {
  return computeLoss('tversky', input, target, options, settings);
}
