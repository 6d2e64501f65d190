import type { LossFunction, TensorJaccardLossOptions } from '../types.js';
import { createLoss } from './create-loss.js';

/**
 * Soft Jaccard (IoU) loss `1 - (I + sN) / (P + T - I + sD)` per pair.
 * SPEC.md section 4; see `createLoss` for shapes (default layout channels-last) and reductions.
 */
export function jaccardLoss(options: TensorJaccardLossOptions = {}): LossFunction {
  return createLoss('jaccard', options);
}
