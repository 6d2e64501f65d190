// End to end: the real executable, as a user runs it (no build needed: sources through tsx).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { closeRelative, coreCaseMetric } from '../src/test-support/core-reference.js';
import { writeDataset } from '../src/test-support/write-dataset.js';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'dicekit-e2e-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function run(command: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, command, { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

// tsx resolved from this package: the commands run in a temporary directory.
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const main = ['--import', tsx, '--conditions=source', join(packageRoot, 'src', 'main.ts')];

describe('dicekit executable', () => {
  it('evaluates PNG folders on 2 workers, reports a bad case, exits 1, and merges statistics', () => {
    const cases = writeDataset(join(root, 'data'), { count: 4, shape: [40, 30], classes: 3, format: 'png', seed: 21 });
    writeFileSync(join(root, 'data', 'pred', 'broken.png'), readFileSync(join(root, 'data', 'pred', 'case_000.png')).subarray(0, 60));
    writeFileSync(join(root, 'data', 'gt', 'broken.png'), readFileSync(join(root, 'data', 'gt', 'case_000.png')));
    const stats = join(root, 'stats.json');
    const result = run([
      ...main,
      'eval', '--pred', 'data/pred', '--gt', 'data/gt', '--num-classes', '3', '--workers', '2', '--format', 'json', '--stats-out', stats,
    ]);
    expect(result.status, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/FAILED broken: prediction data\/pred\/broken\.png: E_SHAPE: PNG truncated/);
    const report = JSON.parse(result.stdout);
    expect(report.counts).toEqual({ scored: 4, failed: 1 });
    const scoring = { channels: 3, classes: null, includeBackground: false, emptyPolicy: 'nan' as const, ignoreIndex: null, classNames: [] };
    cases.forEach((item, row) => {
      const reference = coreCaseMetric('dice', item.prediction, item.groundTruth, scoring);
      report.cases[row].classes.forEach((scores: { dice: number; trueVoxels: number; classIndex: number }, column: number) => {
        expect(scores.trueVoxels).toBe(reference.statistics.target[scores.classIndex]);
        expect(closeRelative(scores.dice, reference.scores.data[column]!)).toBe(true);
      });
    });
    const merged = run([...main, 'merge', stats, '--format', 'json']);
    expect(merged.status).toBe(1);
    expect(merged.stdout).toBe(result.stdout);
  });

  it('bin/dicekit.js runs from the repository: eval exits 0, help exits 0, bad usage exits 2', () => {
    const bin = join(packageRoot, 'bin', 'dicekit.js');
    writeDataset(join(root, 'bin-data'), { count: 3, shape: [12, 10, 8], classes: 3, format: 'nii.gz', seed: 4 });
    const evaluated = run([bin, 'eval', '--pred', 'bin-data/pred', '--gt', 'bin-data/gt', '--num-classes', '3', '--format', 'csv'], { DICEKIT_FROM_SOURCE: '1' });
    expect(evaluated.status, evaluated.stderr).toBe(0);
    expect(evaluated.stdout.split('\n').filter((line) => line.startsWith('case,')).length).toBe(3 * 2);
    expect(evaluated.stderr).toMatch(/3 scored, 0 failed .* on \d+ worker\(s\)/);
    const help = run([bin, '--help'], { DICEKIT_FROM_SOURCE: '1' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/dicekit eval --pred <dir> --gt <dir>/);
    const bad = run([bin, 'eval', '--pred', 'nowhere'], { DICEKIT_FROM_SOURCE: '1' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/needs --pred <dir> and --gt <dir>/);
  });
});
