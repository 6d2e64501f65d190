import type { DiceLossOptions, TensorLike } from '@dicekit/core';
import { computeLoss, type TypedArrayLossResult, type TypedArraySettings } from './compute-loss.js';

/**
 * Dice loss per pair `(n, c)`: `1 - (2I + sN) / (P + T + sD)` (squared sums with `squared`, soft-label `I` with `softLabel`, `-log(score)` with `logLoss`). Defaults `sN = sD = 1e-5`, `eps = 0`, reduction `'mean'`.
 *
 * Typed-array kernel of core's `diceLoss` (same options, same results within float64 rounding).
 * Shapes: `input` `[N, C, ...spatial]` (channels-last `[N, ...spatial, C]`, Float32Array or
 * Float64Array); `target` the same, or `[N, ...spatial]` with `targetFormat: 'labels'`.
 * `settings.gradient`: `true` or a Float32Array / Float64Array of the input's length to write
 * `d(sum of loss)/d(input)` into.
 */
export function diceLoss(input: TensorLike, target: TensorLike, options?: DiceLossOptions, settings?: TypedArraySettings): TypedArrayLossResult {
  return computeLoss('dice', input, target, options, settings);
}
