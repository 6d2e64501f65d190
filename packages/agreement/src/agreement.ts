import { createCoreBackend, TOLERANCES } from '@dicekit/conformance';
import { numberReader, type DiceKitBackend, type LossName, type MetricName, type NumericData } from '@dicekit/core';
import type { AgreementCase } from './random-cases.js';

/** Agreement of one backend with core on one variant. */
export interface AgreementRow {
  readonly backend: string;
  readonly variant: string;
  cases: number;
  failures: number;
  skipped: number;
  maxAbsoluteError: number;
  maxRelativeError: number;
  maxGradientAbsoluteError: number;
  firstFailure: string | null;
}

interface Outputs {
  value: number[];
  gradient: number[] | null;
}

const toArray = (data: NumericData | undefined | null) => {
  if (data === undefined || data === null) return null;
  const read = numberReader(data);
  return Array.from({ length: data.length }, (_, index) => read(index));
};

async function outputsOf(backend: DiceKitBackend, testCase: AgreementCase): Promise<Outputs> {
  if (testCase.kind === 'metric') {
    const result = await backend.computeMetric!({ metric: testCase.name as MetricName, input: testCase.input, target: testCase.target, options: testCase.options });
    return { value: [...(toArray(result.scores.data) ?? []), result.mean, ...(toArray(result.perClass.data) ?? []), result.counted], gradient: null };
  }
  const result = await backend.computeLoss({ loss: testCase.name as LossName, input: testCase.input, target: testCase.target, options: testCase.options, gradient: backend.capabilities.gradient });
  return { value: toArray(result.loss.data) ?? [], gradient: toArray(result.gradient?.data) };
}

function compare(expected: number[], actual: number[], rtol: number, atol: number) {
  let maxAbsolute = 0;
  let maxRelative = 0;
  let ok = expected.length === actual.length;
  expected.forEach((e, index) => {
    const a = actual[index] as number;
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (Number.isNaN(e) !== Number.isNaN(a)) ok = false;
      return;
    }
    const error = Math.abs(a - e);
    maxAbsolute = Math.max(maxAbsolute, error);
    if (e !== 0) maxRelative = Math.max(maxRelative, error / Math.abs(e));
    if (!(error <= atol + rtol * Math.abs(e))) ok = false;
  });
  return { ok, maxAbsolute, maxRelative };
}

/**
 * Runs every case through core (the float64 reference, on exactly the same input values) and each
 * backend, and collects per (backend, variant) the largest deviations and the failures at the
 * backend's precision tolerance.
 */
export async function measureAgreement(backends: readonly DiceKitBackend[], cases: readonly AgreementCase[]): Promise<AgreementRow[]> {
  const core = createCoreBackend();
  const rows = new Map<string, AgreementRow>();
  for (const testCase of cases) {
    const reference = await outputsOf(core, testCase);
    for (const backend of backends) {
      const variant = `${testCase.kind === 'metric' ? 'metric ' : ''}${testCase.name}`;
      const key = `${backend.name}\u0000${variant}`;
      const row = rows.get(key) ?? { backend: backend.name, variant, cases: 0, failures: 0, skipped: 0, maxAbsoluteError: 0, maxRelativeError: 0, maxGradientAbsoluteError: 0, firstFailure: null };
      rows.set(key, row);
      const supported = testCase.kind === 'metric'
        ? backend.computeMetric !== undefined && backend.capabilities.metrics.includes(testCase.name as MetricName)
        : backend.capabilities.losses.includes(testCase.name as LossName);
      if (!supported) {
        row.skipped++;
        continue;
      }
      row.cases++;
      // A float32 input makes float32 outputs (gradients in the input's dtype) on any backend.
      const precision = testCase.inputDtype === 'float32' ? 'float32' : backend.capabilities.precision;
      const { rtol, atol } = TOLERANCES[precision];
      let actual: Outputs;
      try {
        actual = await outputsOf(backend, testCase);
      } catch (error) {
        row.failures++;
        row.firstFailure ??= `${testCase.id}: threw ${(error as Error).message}`;
        continue;
      }
      const value = compare(reference.value, actual.value, rtol, atol);
      row.maxAbsoluteError = Math.max(row.maxAbsoluteError, value.maxAbsolute);
      row.maxRelativeError = Math.max(row.maxRelativeError, value.maxRelative);
      let ok = value.ok;
      if (reference.gradient !== null && actual.gradient !== null) {
        const gradient = compare(reference.gradient, actual.gradient, rtol, atol);
        row.maxGradientAbsoluteError = Math.max(row.maxGradientAbsoluteError, gradient.maxAbsolute);
        ok &&= gradient.ok;
      }
      if (!ok) {
        row.failures++;
        row.firstFailure ??= `${testCase.id}: value error ${value.maxAbsolute.toExponential(2)}`;
      }
    }
  }
  return [...rows.values()];
}

/** The Markdown matrix written to docs/agreement-matrix.md. */
export function agreementMarkdown(rows: readonly AgreementRow[], caseCount: number, backendNotes: Readonly<Record<string, string>>): string {
  const format = (value: number) => (value === 0 ? '0' : value.toExponential(1));
  const lines = [
    '# Cross-backend agreement',
    '',
    `Generated by \`npx -y pnpm@12.4.2 --filter @dicekit/agreement matrix\` (also run by the package's tests): ${caseCount} seeded random`,
    'cases (every loss and metric, both layouts, dense and label targets, 1D-3D, float64 and float32 input, masks,',
    "each loss's own options) run through core (float64 reference) and every backend on the same input values.",
    'Errors are against core: loss values (metric scores, means, counts) and, where the backend computes it, the gradient.',
    "A case fails when it is outside the tolerance of the backend's precision (SPEC.md section 8; float32 tolerance for",
    'float32 input, whose gradients come back in float32).',
    '',
    '| backend | variant | cases | failed | max abs error | max rel error | max abs gradient error |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((row) => `| ${row.backend} | ${row.variant} | ${row.cases} | ${row.failures} | ${format(row.maxAbsoluteError)} | ${format(row.maxRelativeError)} | ${format(row.maxGradientAbsoluteError)} |`),
    '',
    '## Backends',
    '',
    ...Object.entries(backendNotes).map(([name, note]) => `- \`${name}\`: ${note}`),
    '',
  ];
  return lines.join('\n');
}
