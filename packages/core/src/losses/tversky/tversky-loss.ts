import type { TverskyLossOptions } from '../../options/option-types.js';
import type { TensorLike } from '../../tensor/tensor.js';
import { computeLoss, type ComputeSettings, type LossResult } from '../compute-loss.js';

/**
 * Tversky loss per pair: `max(1 - TI, 0)^gamma`, `TI = (I + sN) / (I + alpha·FP + beta·FN + sD)`, `FP = P - I`, `FN = T - I`. Defaults `alpha = beta = 0.5` (= Dice), `gamma = 1`; focal Tversky (Abraham & Khan) is `gamma = 0.75`; `alpha = beta = 1` is Jaccard.
 *
 * Shapes: `input` `[N, C, ...spatial]` (channels-last: `[N, ...spatial, C]`); `target` the same, or
 * `[N, ...spatial]` with `targetFormat: 'labels'`. Reductions: `'mean'` (default) and `'sum'` return a
 * scalar (shape `[]`); `'none'` returns the per-pair matrix `[N, C']` (`[C']` with `batchDice`).
 * `settings.gradient` adds `d(sum of loss)/d(input)` in the input's shape and layout.
 */
export function tverskyLoss(input: TensorLike, target: TensorLike, options?: TverskyLossOptions, settings?: ComputeSettings): LossResult {
  return computeLoss('tversky', input, target, options, settings);
}
