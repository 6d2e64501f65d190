import type { DiceFocalLossOptions, TensorLike } from '@dicekit/core';
import { computeLoss, type TypedArrayLossResult, type TypedArraySettings } from './compute-loss.js';

/**
 * Dice + focal: `lambdaDice · dice + lambdaFocal · focal`, focal `-a t (1-p)^γ log p` (γ = focalGamma, 2). Needs activation 'softmax' or 'sigmoid'; reduction 'none' is refused.
 *
 * Typed-array kernel of core's `diceFocalLoss` (same options, same results within float64 rounding).
 * Shapes: `input` `[N, C, ...spatial]` (channels-last `[N, ...spatial, C]`, Float32Array or
 * Float64Array); `target` the same, or `[N, ...spatial]` with `targetFormat: 'labels'`.
 * `settings.gradient`: `true` or a Float32Array / Float64Array of the input's length to write
 * `d(sum of loss)/d(input)` into.
 */
export function diceFocalLoss(input: TensorLike, target: TensorLike, options?: DiceFocalLossOptions, settings?: TypedArraySettings): TypedArrayLossResult {
  return computeLoss('diceFocal', input, target, options, settings);
}
