import type { DiceLossOptions } from '../../options/option-types.js';
import type { TensorLike } from '../../tensor/tensor.js';
import { computeLoss, type ComputeSettings, type LossResult } from '../compute-loss.js';

/**
 * Dice loss per pair `(n, c)`: `1 - (2I + sN) / (P + T + sD)` with `I = Σ m p t`, `P = Σ m p`, `T = Σ m t` (squared sums with `squared`, soft-label `I` with `softLabel`); `-log(score)` with `logLoss`. Defaults: `sN = sD = 1e-5`, `eps = 0`, reduction `'mean'`.
 *
 * Shapes: `input` `[N, C, ...spatial]` (channels-last: `[N, ...spatial, C]`); `target` the same, or
 * `[N, ...spatial]` with `targetFormat: 'labels'`. Reductions: `'mean'` (default) and `'sum'` return a
 * scalar (shape `[]`); `'none'` returns the per-pair matrix `[N, C']` (`[C']` with `batchDice`).
 * `settings.gradient` adds `d(sum of loss)/d(input)` in the input's shape and layout.
 */
export function diceLoss(input: TensorLike, target: TensorLike, options?: DiceLossOptions, settings?: ComputeSettings): LossResult {
  return computeLoss('dice', input, target, options, settings);
}
