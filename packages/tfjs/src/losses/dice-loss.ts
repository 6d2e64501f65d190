import type { LossFunction, TensorDiceLossOptions } from '../types.js';
import { createLoss } from './create-loss.js';

/**
 * Soft Dice loss `1 - (2I + sN) / (P + T + sD)` per pair (options: squared, softLabel, logLoss, classWeights, absentClasses).
 * SPEC.md section 4; see `createLoss` for shapes (default layout channels-last) and reductions.
 */
export function diceLoss(options: TensorDiceLossOptions = {}): LossFunction {
  return createLoss('dice', options);
}
