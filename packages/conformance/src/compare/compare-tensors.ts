import { formatShape, numberReader, type NumericData } from '@dicekit/core';
import type { Tolerance } from '../cases/case-types.js';

/** The outcome of comparing one expected tensor with a computed one. */
export interface Comparison {
  readonly name: string;
  readonly passed: boolean;
  /** Largest `|a - e|`. */
  readonly maxAbsoluteError: number;
  /** Largest `|a - e| / |e|` over nonzero `e`. */
  readonly maxRelativeError: number;
  /** The worst element relative to its allowance `atol + rtol·|e|`, for the report. */
  readonly worst: { index: number; expected: number; actual: number } | null;
  readonly problem: string | null;
}

/**
 * SPEC.md section 8's pass rule: `|a - e| <= atol + rtol·|e|` for every element; an expected NaN is
 * met only by NaN. Shapes must agree (a scalar `[]` also accepts a one-element `[1]`).
 */
export function compareTensors(
  name: string,
  expected: { shape: readonly number[]; data: ArrayLike<number> },
  actual: { shape: readonly number[]; data: NumericData } | null | undefined,
  tolerance: Tolerance,
): Comparison {
  const failed = (problem: string): Comparison => ({
    name,
    passed: false,
    maxAbsoluteError: Number.NaN,
    maxRelativeError: Number.NaN,
    worst: null,
    problem,
  });
  if (actual === null || actual === undefined) return failed(`${name}: the backend returned nothing`);
  const scalarLike = (shape: readonly number[]) => shape.length === 0 || (shape.length === 1 && shape[0] === 1);
  const shapesAgree =
    (scalarLike(expected.shape) && scalarLike(actual.shape)) ||
    (expected.shape.length === actual.shape.length && expected.shape.every((extent, axis) => extent === actual.shape[axis]));
  if (!shapesAgree || expected.data.length !== actual.data.length) {
    return failed(`${name}: shape ${formatShape(actual.shape)} (${actual.data.length} values), expected ${formatShape(expected.shape)}`);
  }
  const read = numberReader(actual.data);
  let passed = true;
  let maxAbsoluteError = 0;
  let maxRelativeError = 0;
  let worstRatio = -1;
  let worst: Comparison['worst'] = null;
  for (let index = 0; index < expected.data.length; index++) {
    const e = expected.data[index] as number;
    const a = read(index);
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (Number.isNaN(e) !== Number.isNaN(a)) {
        passed = false;
        if (worstRatio < Infinity) {
          worstRatio = Infinity;
          worst = { index, expected: e, actual: a };
        }
      }
      continue;
    }
    const error = Math.abs(a - e);
    const allowance = tolerance.atol + tolerance.rtol * Math.abs(e);
    if (!(error <= allowance)) passed = false;
    if (error > maxAbsoluteError || Number.isNaN(error)) maxAbsoluteError = error;
    if (e !== 0 && error / Math.abs(e) > maxRelativeError) maxRelativeError = error / Math.abs(e);
    const ratio = Number.isNaN(error) ? Infinity : error / allowance;
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worst = { index, expected: e, actual: a };
    }
  }
  return { name, passed, maxAbsoluteError, maxRelativeError, worst, problem: null };
}
