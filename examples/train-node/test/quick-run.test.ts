import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { checkPng } from './png-check.js';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const out = mkdtempSync(join(tmpdir(), 'dicekit-train-node-'));

describe('train-node --quick (the CI run of the main job)', () => {
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('trains with the four losses, prints the table and writes valid PNGs', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--conditions=source', 'src/main.ts', '--quick', '--out', out], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    });
    const rows = stdout.split('\n').filter((line) => /^\| (BCE|Dice|Dice\+CE|Focal Tversky) +\|/.test(line));
    expect(rows.map((row) => row.split('|')[1]?.trim())).toEqual(['BCE', 'Dice', 'Dice+CE', 'Focal Tversky']);
    for (const row of rows) {
      const scores = row.split('|').slice(2, 8).map((cell) => Number(cell.trim()));
      for (const score of scores) {
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(1);
      }
    }
    expect(stdout).toContain('spots Dice');
    expect(readFileSync(join(out, 'results.md'), 'utf8')).toContain('| Focal Tversky');

    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { runs: Array<{ loss: string; epochLosses: number[]; diceMicro: number[] }> };
    expect(results.runs.map((run) => run.loss)).toEqual(['bce', 'dice', 'diceCE', 'focalTversky']);
    for (const run of results.runs) {
      expect(run.epochLosses).toHaveLength(3);
      expect(run.epochLosses.every(Number.isFinite)).toBe(true);
    }
    // Even three short epochs move every Dice-type loss off its start and find some spots.
    for (const run of results.runs.filter((candidate) => candidate.loss !== 'bce')) {
      expect(run.epochLosses[2]).toBeLessThan(run.epochLosses[0] as number);
      expect(run.diceMicro[0]).toBeGreaterThan(0.2);
    }

    const grid = checkPng(readFileSync(join(out, 'predictions.png')));
    expect(grid.colorType).toBe(2);
    // Six columns (input, truth, four losses) of 64×3-pixel cells.
    expect(grid.width).toBeGreaterThanOrEqual(6 * 192);
    expect(grid.height).toBeGreaterThanOrEqual(6 * 192);
    const curves = checkPng(readFileSync(join(out, 'training-curves.png')));
    expect(curves.width).toBeGreaterThan(curves.height);
  }, 600_000);
});
