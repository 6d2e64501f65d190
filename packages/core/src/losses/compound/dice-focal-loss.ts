import type { DiceFocalLossOptions } from '../../options/option-types.js';
import type { TensorLike } from '../../tensor/tensor.js';
import { computeLoss, type ComputeSettings, type LossResult } from '../compute-loss.js';

/**
 * Dice + focal: `lambdaDice · dice + lambdaFocal · focal`, focal `-a t (1-p)^γ log p` (softmax, `focalAlpha` an array of C) or its binary form (sigmoid, `focalAlpha` a number), `γ = focalGamma` (2). Needs `activation` `'softmax'` or `'sigmoid'`.
 *
 * Shapes: `input` `[N, C, ...spatial]` (channels-last: `[N, ...spatial, C]`); `target` the same, or
 * `[N, ...spatial]` with `targetFormat: 'labels'`. Reductions: `'mean'` (default) and `'sum'` return a
 * scalar (shape `[]`); `'none'` returns nothing: compound losses refuse `'none'`.
 * `settings.gradient` adds `d(sum of loss)/d(input)` in the input's shape and layout.
 */
export function diceFocalLoss(input: TensorLike, target: TensorLike, options?: DiceFocalLossOptions, settings?: ComputeSettings): LossResult {
  return computeLoss('diceFocal', input, target, options, settings);
}
