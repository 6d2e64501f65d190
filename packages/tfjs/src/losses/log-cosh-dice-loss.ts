import type { LossFunction, TensorLogCoshDiceLossOptions } from '../types.js';
import { createLoss } from './create-loss.js';

/**
 * Log-cosh Dice loss `log(cosh(diceLoss))` per pair.
 * SPEC.md section 4; see `createLoss` for shapes (default layout channels-last) and reductions.
 */
export function logCoshDiceLoss(options: TensorLogCoshDiceLossOptions = {}): LossFunction {
  return createLoss('logCoshDice', options);
}
