import type { LossFunction, TensorTverskyLossOptions } from '../types.js';
import { createLoss } from './create-loss.js';

/**
 * Focal Tversky loss (Abraham & Khan 2019): `tversky` with `gamma` defaulting to 0.75 instead of 1,
 * i.e. `max(1 - TI, 0)^0.75`. `alpha` and `beta` keep SPEC.md's defaults (0.5 each, not the paper's
 * 0.7/0.3): pass them explicitly for the paper's setting. Any `gamma` given wins.
 */
export function focalTverskyLoss(options: TensorTverskyLossOptions = {}): LossFunction {
  return createLoss('tversky', { gamma: 0.75, ...options });
}
