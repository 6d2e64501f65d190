import type { DiceKitErrorCode, LossName, MetricName } from '@dicekit/core';

/** A tensor as stored in a case file: flat row-major data, or a seed (SPEC.md section 8). */
export interface StoredTensor {
  readonly shape: readonly number[];
  readonly data?: ReadonlyArray<number | string>;
  readonly seeded?: SeededSpec;
}

/** A seeded tensor (SPEC.md section 8): mulberry32 draws in row-major order. */
export interface SeededSpec {
  readonly seed: number;
  readonly distribution: 'uniform' | 'bernoulli' | 'labels';
  readonly low?: number;
  readonly high?: number;
  readonly p?: number;
  readonly classes?: number;
}

/** The pass rule's tolerances: `|a - e| <= atol + rtol·|e|`. */
export interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
}

/** One case of a `dicekit-cases/1` document, as stored. */
export interface StoredCase {
  readonly id: string;
  readonly source?: string;
  readonly description?: string;
  readonly loss?: LossName;
  readonly metric?: MetricName;
  readonly options: Record<string, unknown>;
  readonly input: StoredTensor;
  readonly target: StoredTensor;
  readonly mask?: StoredTensor;
  readonly expected: Record<string, StoredTensor | { error: DiceKitErrorCode } | unknown>;
  readonly tolerance?: Tolerance;
  readonly peer?: unknown;
}

/** A whole `dicekit-cases/1` file. */
export interface CaseDocument {
  readonly format: 'dicekit-cases/1';
  readonly source?: string;
  readonly cases: readonly StoredCase[];
}

/** Host data a case decodes to: labels as Int32Array, seeded floats as Float32Array, the rest float64. */
export type CaseData = Float64Array | Float32Array | Int32Array;

/** A decoded tensor of a case. */
export interface CaseTensor {
  readonly shape: number[];
  readonly data: CaseData;
}

/** A case ready to run: tensors decode lazily (seeded full-size volumes are large). */
export interface ConformanceCase {
  readonly id: string;
  /** The file it came from (`monai.json`, say). */
  readonly file: string;
  readonly kind: 'loss' | 'metric';
  readonly name: LossName | MetricName;
  readonly options: Record<string, unknown>;
  readonly stored: StoredCase;
  /** The expected error code, or null for a value case. */
  readonly expectedError: DiceKitErrorCode | null;
  /** Elements of the largest tensor (to order or filter big cases). */
  readonly size: number;
  readonly tolerance: Tolerance | null;
  decode(): { input: CaseTensor; target: CaseTensor; mask: CaseTensor | null };
}
