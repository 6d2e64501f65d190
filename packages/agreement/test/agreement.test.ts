import { describe, expect, it } from 'vitest';
import { writeAgreementMatrix } from '../src/write-matrix.js';

describe('cross-backend agreement with core', () => {
  it('every backend agrees with core within its precision tolerance on seeded random cases, and the matrix is written', async () => {
    const rows = await writeAgreementMatrix();
    const failures = rows.filter((row) => row.failures > 0).map((row) => `${row.backend} ${row.variant}: ${row.failures} failed (${row.firstFailure})`);
    expect(failures).toEqual([]);
    expect(rows.reduce((sum, row) => sum + row.cases, 0)).toBeGreaterThan(0);
  });
});
