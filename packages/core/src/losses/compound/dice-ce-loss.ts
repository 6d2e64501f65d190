import type { DiceCELossOptions } from '../../options/option-types.js';
import type { TensorLike } from '../../tensor/tensor.js';
import { computeLoss, type ComputeSettings, type LossResult } from '../compute-loss.js';

/**
 * Dice + cross-entropy: `lambdaDice · dice + lambdaCE · CE`. CE is categorical (softmax) or binary (sigmoid) over all channels, weighted by `mask` and `classWeights`, averaged by the total weight (`'mean'`) or summed (`'sum'`). Needs `activation` `'softmax'` or `'sigmoid'`.
 *
 * Shapes: `input` `[N, C, ...spatial]` (channels-last: `[N, ...spatial, C]`); `target` the same, or
 * `[N, ...spatial]` with `targetFormat: 'labels'`. Reductions: `'mean'` (default) and `'sum'` return a
 * scalar (shape `[]`); `'none'` returns nothing: compound losses refuse `'none'`.
 * `settings.gradient` adds `d(sum of loss)/d(input)` in the input's shape and layout.
 */
export function diceCELoss(input: TensorLike, target: TensorLike, options?: DiceCELossOptions, settings?: ComputeSettings): LossResult {
  return computeLoss('diceCE', input, target, options, settings);
}
