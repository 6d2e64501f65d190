import type { BackendPrecision } from '@dicekit/core';
import type { Tolerance } from '../cases/case-types.js';

/** SPEC.md section 8: the float64 reference tolerance and the starting float32 tolerance. */
export const TOLERANCES: Readonly<Record<BackendPrecision, Tolerance>> = {
  float64: { rtol: 1e-9, atol: 1e-12 },
  float32: { rtol: 1e-4, atol: 1e-6 },
};

/** A case's own tolerance replaces the precision default for every backend (full-size cases). */
export function toleranceFor(precision: BackendPrecision, caseTolerance: Tolerance | null): Tolerance {
  return caseTolerance ?? TOLERANCES[precision];
}
