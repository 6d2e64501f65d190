import type { LogCoshDiceLossOptions, TensorLike } from '@dicekit/core';
import { computeLoss, type TypedArrayLossResult, type TypedArraySettings } from './compute-loss.js';

/**
 * Log-cosh Dice per pair: `log(cosh(1 - (2I + sN) / (P + T + sD)))`.
 *
 * Typed-array kernel of core's `logCoshDiceLoss` (same options, same results within float64 rounding).
 * Shapes: `input` `[N, C, ...spatial]` (channels-last `[N, ...spatial, C]`, Float32Array or
 * Float64Array); `target` the same, or `[N, ...spatial]` with `targetFormat: 'labels'`.
 * `settings.gradient`: `true` or a Float32Array / Float64Array of the input's length to write
 * `d(sum of loss)/d(input)` into.
 */
export function logCoshDiceLoss(input: TensorLike, target: TensorLike, options?: LogCoshDiceLossOptions, settings?: TypedArraySettings): TypedArrayLossResult {
  return computeLoss('logCoshDice', input, target, options, settings);
}
