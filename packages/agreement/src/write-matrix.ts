import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DiceKitBackend } from '@dicekit/core';
import { agreementMarkdown, measureAgreement, type AgreementRow } from './agreement.js';
import { AGREEMENT_BACKENDS } from './backends.js';
import { randomCases } from './random-cases.js';

/** Where the matrix goes: docs/agreement-matrix.md at the repository root. */
export const MATRIX_PATH = join(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..'), 'docs', 'agreement-matrix.md');

/** Runs the agreement over every backend and writes the matrix; returns the rows. */
export async function writeAgreementMatrix(perVariant = 8): Promise<AgreementRow[]> {
  const cases = randomCases(perVariant);
  const backends: DiceKitBackend[] = [];
  const notes: Record<string, string> = {};
  for (const entry of AGREEMENT_BACKENDS) {
    const backend = await entry.load();
    backends.push(backend);
    notes[backend.name] = `${backend.capabilities.precision}${backend.capabilities.notes?.length ? `; ${backend.capabilities.notes.join('; ')}` : ''}`;
  }
  const rows = await measureAgreement(backends, cases);
  for (const backend of backends) await backend.dispose?.();
  writeFileSync(MATRIX_PATH, agreementMarkdown(rows, cases.length, notes));
  return rows;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const rows = await writeAgreementMatrix();
  const failed = rows.reduce((sum, row) => sum + row.failures, 0);
  console.log(`wrote ${MATRIX_PATH}: ${rows.length} rows, ${failed} failed cases`);
  process.exitCode = failed > 0 ? 1 : 0;
}
