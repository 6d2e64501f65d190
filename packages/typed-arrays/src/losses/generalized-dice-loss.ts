import type { GeneralizedDiceLossOptions, TensorLike } from '@dicekit/core';
import { computeLoss, type TypedArrayLossResult, type TypedArraySettings } from './compute-loss.js';

/**
 * Generalized Dice per sample (or pooled): `1 - (2 Σ_c w_c I_c + sN) / (Σ_c w_c (P_c + T_c) + sD)`, `w = 1/T²` (`weightType` 'square', default), `1/T` or 1; weights are constants.
 *
 * Typed-array kernel of core's `generalizedDiceLoss` (same options, same results within float64 rounding).
 * Shapes: `input` `[N, C, ...spatial]` (channels-last `[N, ...spatial, C]`, Float32Array or
 * Float64Array); `target` the same, or `[N, ...spatial]` with `targetFormat: 'labels'`.
 * `settings.gradient`: `true` or a Float32Array / Float64Array of the input's length to write
 * `d(sum of loss)/d(input)` into.
 */
export function generalizedDiceLoss(input: TensorLike, target: TensorLike, options?: GeneralizedDiceLossOptions, settings?: TypedArraySettings): TypedArrayLossResult {
  return computeLoss('generalizedDice', input, target, options, settings);
}
