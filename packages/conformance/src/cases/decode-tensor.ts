import { DiceKitError, shapeSize } from '@dicekit/core';
import type { CaseData, CaseTensor, SeededSpec, StoredTensor } from './case-types.js';
import { mulberry32 } from './mulberry32.js';

/** Decodes `"NaN"`, `"Infinity"` and `"-Infinity"` (SPEC.md section 8). */
export function decodeNumber(value: number | string): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  throw new DiceKitError('E_VALUE', `case data holds the string ${JSON.stringify(value)}; only "NaN", "Infinity" and "-Infinity" are allowed`);
}

/** Draws a seeded tensor: uniform floats (as float32 values), bernoulli 0/1, or integer labels. */
export function drawSeeded(shape: readonly number[], spec: SeededSpec): CaseData {
  const size = shapeSize(shape);
  const next = mulberry32(spec.seed);
  if (spec.distribution === 'labels') {
    const classes = spec.classes ?? 2;
    const data = new Int32Array(size);
    for (let index = 0; index < size; index++) data[index] = Math.floor(next() * classes);
    return data;
  }
  const data = new Float32Array(size);
  if (spec.distribution === 'bernoulli') {
    const p = spec.p ?? 0.5;
    for (let index = 0; index < size; index++) data[index] = next() < p ? 1 : 0;
    return data;
  }
  if (spec.distribution !== 'uniform') {
    throw new DiceKitError('E_VALUE', `unknown seeded distribution ${JSON.stringify(spec.distribution)}`);
  }
  const low = spec.low ?? 0;
  const high = spec.high ?? 1;
  for (let index = 0; index < size; index++) data[index] = Math.fround(low + (high - low) * next());
  return data;
}

/** Decodes a stored tensor; `integer` keeps label maps as Int32Array. */
export function decodeTensor(stored: StoredTensor, integer: boolean): CaseTensor {
  const shape = [...stored.shape];
  if (stored.seeded !== undefined) return { shape, data: drawSeeded(shape, stored.seeded) };
  const values = (stored.data ?? []).map(decodeNumber);
  if (integer && values.every((value) => Number.isInteger(value))) return { shape, data: Int32Array.from(values) };
  return { shape, data: Float64Array.from(values) };
}
