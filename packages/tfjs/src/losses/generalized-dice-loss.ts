import type { LossFunction, TensorGeneralizedDiceLossOptions } from '../types.js';
import { createLoss } from './create-loss.js';

/**
 * Generalized Dice loss per sample `1 - (2 Σ_c w_c I_c + sN) / (Σ_c w_c (P_c + T_c) + sD)`, `w = 1/T²` by default (weightType).
 * SPEC.md section 4; see `createLoss` for shapes (default layout channels-last) and reductions.
 */
export function generalizedDiceLoss(options: TensorGeneralizedDiceLossOptions = {}): LossFunction {
  return createLoss('generalizedDice', options);
}
