import type { LossFunction, TensorTverskyLossOptions } from '../types.js';
import { createLoss } from './create-loss.js';

/**
 * Tversky loss `max(1 - TI, 0)^gamma`, `TI = (I + sN) / (I + alpha·FP + beta·FN + sD)` (alpha = beta = 0.5, gamma = 1 by default).
 * SPEC.md section 4; see `createLoss` for shapes (default layout channels-last) and reductions.
 */
export function tverskyLoss(options: TensorTverskyLossOptions = {}): LossFunction {
  return createLoss('tversky', options);
}
