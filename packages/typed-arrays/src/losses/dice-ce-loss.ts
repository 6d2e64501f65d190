import type { DiceCELossOptions, TensorLike } from '@dicekit/core';
import { computeLoss, type TypedArrayLossResult, type TypedArraySettings } from './compute-loss.js';

/**
 * Dice + cross-entropy: `lambdaDice · dice + lambdaCE · CE`, CE over all channels (softmax: categorical, sigmoid: binary), weighted by mask and classWeights. Needs activation 'softmax' or 'sigmoid'; reduction 'none' is refused.
 *
 * Typed-array kernel of core's `diceCELoss` (same options, same results within float64 rounding).
 * Shapes: `input` `[N, C, ...spatial]` (channels-last `[N, ...spatial, C]`, Float32Array or
 * Float64Array); `target` the same, or `[N, ...spatial]` with `targetFormat: 'labels'`.
 * `settings.gradient`: `true` or a Float32Array / Float64Array of the input's length to write
 * `d(sum of loss)/d(input)` into.
 */
export function diceCELoss(input: TensorLike, target: TensorLike, options?: DiceCELossOptions, settings?: TypedArraySettings): TypedArrayLossResult {
  return computeLoss('diceCE', input, target, options, settings);
}
