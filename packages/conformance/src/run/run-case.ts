import { formatShape, isDiceKitError, type DiceKitBackend, type LossName, type MetricName } from '@dicekit/core';
import type { ConformanceCase, StoredTensor, Tolerance } from '../cases/case-types.js';
import { decodeTensor } from '../cases/decode-tensor.js';
import { compareTensors, type Comparison } from '../compare/compare-tensors.js';
import { toleranceFor } from '../compare/tolerance.js';

/** How one case ended. */
export type CaseStatus = 'passed' | 'failed' | 'skipped';

/** The result of one case on one backend, with every comparison made. */
export interface CaseOutcome {
  readonly id: string;
  readonly file: string;
  readonly status: CaseStatus;
  /** Why a case failed or was skipped, in one line. */
  readonly reason: string | null;
  readonly comparisons: readonly Comparison[];
  readonly tolerance: Tolerance;
}

/** Settings of a run. */
export interface RunSettings {
  /** Replaces the precision default (never a case's own tolerance); give a reason where you pass it. */
  readonly tolerance?: Tolerance;
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  return String(error);
}

/** Why a backend cannot run this case, or null when it can. */
export function skipReason(backend: DiceKitBackend, testCase: ConformanceCase): string | null {
  const { capabilities } = backend;
  if (testCase.kind === 'metric') {
    if (backend.computeMetric === undefined || !capabilities.metrics.includes(testCase.name as MetricName)) {
      return `backend ${backend.name} implements no metric '${testCase.name}'`;
    }
    return null;
  }
  if (!capabilities.losses.includes(testCase.name as LossName)) return `backend ${backend.name} implements no loss '${testCase.name}'`;
  return null;
}

/** Runs one case against a backend and compares every expected value (SPEC.md section 8). */
export async function runCase(backend: DiceKitBackend, testCase: ConformanceCase, settings: RunSettings = {}): Promise<CaseOutcome> {
  const tolerance = testCase.tolerance ?? settings.tolerance ?? toleranceFor(backend.capabilities.precision, null);
  const outcome = (status: CaseStatus, reason: string | null, comparisons: Comparison[] = []): CaseOutcome => ({
    id: testCase.id,
    file: testCase.file,
    status,
    reason,
    comparisons,
    tolerance,
  });
  const skip = skipReason(backend, testCase);
  if (skip !== null) return outcome('skipped', skip);

  const { input, target, mask } = testCase.decode();
  const options = mask === null ? { ...testCase.options } : { ...testCase.options, mask };
  const expected = testCase.stored.expected as Record<string, StoredTensor>;
  let response: Record<string, unknown>;
  try {
    if (testCase.kind === 'metric') {
      response = (await backend.computeMetric!({ metric: testCase.name as MetricName, input, target, options })) as unknown as Record<string, unknown>;
    } else {
      const gradient = expected.gradInput !== undefined && backend.capabilities.gradient;
      response = (await backend.computeLoss({ loss: testCase.name as LossName, input, target, options, gradient })) as unknown as Record<string, unknown>;
    }
  } catch (error) {
    if (testCase.expectedError !== null) {
      if (isDiceKitError(error) && error.code === testCase.expectedError) return outcome('passed', null);
      return outcome('failed', `expected DiceKitError ${testCase.expectedError}, got ${isDiceKitError(error) ? error.code : 'a non-DiceKit error'}: ${errorText(error)}`);
    }
    return outcome('failed', `threw ${errorText(error)}`);
  }
  if (testCase.expectedError !== null) {
    return outcome('failed', `expected DiceKitError ${testCase.expectedError}, but the backend returned a value`);
  }

  const comparisons: Comparison[] = [];
  const scalar = (value: unknown) => (typeof value === 'number' ? { shape: [] as number[], data: Float64Array.of(value) } : (value as never));
  const fields =
    testCase.kind === 'metric'
      ? ([
          ['scores', 'scores'],
          ['mean', 'mean'],
          ['perClass', 'perClass'],
          ['counted', 'counted'],
        ] as const)
      : ([
          ['loss', 'loss'],
          ['gradInput', 'gradient'],
        ] as const);
  for (const [expectedName, responseName] of fields) {
    const stored = expected[expectedName];
    if (stored === undefined) continue;
    if (expectedName === 'gradInput' && !backend.capabilities.gradient) continue;
    const decoded = decodeTensor(stored, false);
    comparisons.push(compareTensors(expectedName, decoded, scalar(response[responseName]), tolerance));
  }
  const failures = comparisons.filter((comparison) => !comparison.passed);
  if (failures.length === 0) return outcome('passed', null, comparisons);
  const reason = failures
    .map((failure) => {
      if (failure.problem !== null) return failure.problem;
      const worst = failure.worst;
      return `${failure.name}: max abs error ${failure.maxAbsoluteError.toExponential(3)}, max rel ${failure.maxRelativeError.toExponential(3)}${
        worst === null ? '' : ` (worst at ${worst.index}: expected ${worst.expected}, got ${worst.actual})`
      }`;
    })
    .join('; ');
  return outcome('failed', `${reason} [rtol ${tolerance.rtol}, atol ${tolerance.atol}; input ${formatShape(input.shape)}]`, comparisons);
}
