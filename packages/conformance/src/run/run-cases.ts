import type { DiceKitBackend } from '@dicekit/core';
import type { ConformanceCase } from '../cases/case-types.js';
import { runCase, type CaseOutcome, type RunSettings } from './run-case.js';

/** Outcomes of a run and their counts. */
export interface RunSummary {
  readonly outcomes: readonly CaseOutcome[];
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

/** Runs cases one after another (full-size cases are large: one at a time keeps memory flat). */
export async function runCases(
  backend: DiceKitBackend,
  cases: readonly ConformanceCase[],
  settings: RunSettings & { onOutcome?: (outcome: CaseOutcome) => void } = {},
): Promise<RunSummary> {
  const outcomes: CaseOutcome[] = [];
  for (const testCase of cases) {
    const outcome = await runCase(backend, testCase, settings);
    settings.onOutcome?.(outcome);
    outcomes.push(outcome);
  }
  const count = (status: CaseOutcome['status']) => outcomes.filter((outcome) => outcome.status === status).length;
  return { outcomes, passed: count('passed'), failed: count('failed'), skipped: count('skipped') };
}
