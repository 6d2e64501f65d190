import type { JaccardLossOptions } from '../../options/option-types.js';
import type { TensorLike } from '../../tensor/tensor.js';
import { computeLoss, type ComputeSettings, type LossResult } from '../compute-loss.js';

/**
 * Jaccard (soft IoU) loss per pair: `1 - (I + sN) / (P + T - I + sD)`; `-log(score)` with `logLoss`.
 *
 * Shapes: `input` `[N, C, ...spatial]` (channels-last: `[N, ...spatial, C]`); `target` the same, or
 * `[N, ...spatial]` with `targetFormat: 'labels'`. Reductions: `'mean'` (default) and `'sum'` return a
 * scalar (shape `[]`); `'none'` returns the per-pair matrix `[N, C']` (`[C']` with `batchDice`).
 * `settings.gradient` adds `d(sum of loss)/d(input)` in the input's shape and layout.
 */
export function jaccardLoss(input: TensorLike, target: TensorLike, options?: JaccardLossOptions, settings?: ComputeSettings): LossResult {
  return computeLoss('jaccard', input, target, options, settings);
}
