import type { LossFunction, TensorDiceFocalLossOptions } from '../types.js';
import { createLoss } from './create-loss.js';

/**
 * Dice + focal `lambdaDice · dice + lambdaFocal · focal` (focalGamma 2, focalAlpha none); activation must be 'softmax' or 'sigmoid'.
 * SPEC.md section 4; see `createLoss` for shapes (default layout channels-last) and reductions.
 */
export function diceFocalLoss(options: TensorDiceFocalLossOptions = {}): LossFunction {
  return createLoss('diceFocal', options);
}
