import type { GeneralizedDiceLossOptions } from '../../options/option-types.js';
import type { TensorLike } from '../../tensor/tensor.js';
import { computeLoss, type ComputeSettings, type LossResult } from '../compute-loss.js';

/**
 * Generalized Dice loss (Sudre et al. 2017) per sample: `1 - (2 Σ_c w_c I_c + sN) / (Σ_c w_c (P_c + T_c) + sD)` with `w_c = 1/T_c²` (`weightType`), absent classes taking the largest finite weight of the sample; the weights carry no gradient.
 *
 * Shapes: `input` `[N, C, ...spatial]` (channels-last: `[N, ...spatial, C]`); `target` the same, or
 * `[N, ...spatial]` with `targetFormat: 'labels'`. Reductions: `'mean'` (default) and `'sum'` return a
 * scalar (shape `[]`); `'none'` returns the per-sample vector `[N]` (`[1]` with `batchDice`).
 * `settings.gradient` adds `d(sum of loss)/d(input)` in the input's shape and layout.
 */
export function generalizedDiceLoss(input: TensorLike, target: TensorLike, options?: GeneralizedDiceLossOptions, settings?: ComputeSettings): LossResult {
  return computeLoss('generalizedDice', input, target, options, settings);
}
