import type { LogCoshDiceLossOptions } from '../../options/option-types.js';
import type { TensorLike } from '../../tensor/tensor.js';
import { computeLoss, type ComputeSettings, type LossResult } from '../compute-loss.js';

/**
 * Log-cosh Dice loss per pair (Jadon 2020): `log(cosh(1 - (2I + sN) / (P + T + sD)))`.
 *
 * Shapes: `input` `[N, C, ...spatial]` (channels-last: `[N, ...spatial, C]`); `target` the same, or
 * `[N, ...spatial]` with `targetFormat: 'labels'`. Reductions: `'mean'` (default) and `'sum'` return a
 * scalar (shape `[]`); `'none'` returns the per-pair matrix `[N, C']` (`[C']` with `batchDice`).
 * `settings.gradient` adds `d(sum of loss)/d(input)` in the input's shape and layout.
 */
export function logCoshDiceLoss(input: TensorLike, target: TensorLike, options?: LogCoshDiceLossOptions, settings?: ComputeSettings): LossResult {
  return computeLoss('logCoshDice', input, target, options, settings);
}
