import type { LossFunction, TensorDiceCELossOptions } from '../types.js';
import { createLoss } from './create-loss.js';

/**
 * Dice + cross-entropy `lambdaDice · dice + lambdaCE · CE`; activation must be 'softmax' or 'sigmoid'.
 * SPEC.md section 4; see `createLoss` for shapes (default layout channels-last) and reductions.
 */
export function diceCELoss(options: TensorDiceCELossOptions = {}): LossFunction {
  return createLoss('diceCE', options);
}
