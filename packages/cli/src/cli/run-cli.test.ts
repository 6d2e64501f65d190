import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureStreams } from '../test-support/capture-streams.js';
import { closeRelative, coreAccumulator } from '../test-support/core-reference.js';
import { writeDataset, type GeneratedCase } from '../test-support/write-dataset.js';
import type { ScoringOptions } from '../report/scoring-options.js';
import { parseArguments } from './parse-arguments.js';
import { runCli } from './run-cli.js';

const root = mkdtempSync(join(tmpdir(), 'dicekit-cli-'));
let cases: GeneratedCase[] = [];
afterAll(() => rmSync(root, { recursive: true, force: true }));

beforeAll(() => {
  cases = writeDataset(join(root, 'full'), { count: 6, shape: [16, 14, 8], classes: 3, format: 'nii.gz', seed: 11 });
  // Two halves in their own folders, as two machines would see them.
  for (const [half, ids] of [
    ['half-a', [0, 1, 2]],
    ['half-b', [3, 4, 5]],
  ] as const) {
    for (const folder of ['pred', 'gt']) {
      mkdirSync(join(root, half, folder), { recursive: true });
      for (const index of ids) copyFileSync(join(root, 'full', folder, `case_00${index}.nii.gz`), join(root, half, folder, `case_00${index}.nii.gz`));
    }
  }
});

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const streams = captureStreams();
  const code = await runCli(argv, streams);
  return { code, out: streams.out(), err: streams.err() };
}

function evalArgs(folder: string, ...extra: string[]): string[] {
  return ['eval', '--pred', join(root, folder, 'pred'), '--gt', join(root, folder, 'gt'), '--num-classes', '3', '--workers', '0', '--quiet', ...extra];
}

describe('dicekit eval', () => {
  it('writes a JSON report equal to core and a statistics file', async () => {
    const stats = join(root, 'full.stats.json');
    const result = await cli(...evalArgs('full', '--format', 'json', '--stats-out', stats, '--class-names', 'background,liver,tumor'));
    expect(result.code).toBe(0);
    const report = JSON.parse(result.out);
    expect(report.counts).toEqual({ scored: 6, failed: 0 });
    expect(report.perClass.map((item: { name: string }) => item.name)).toEqual(['liver', 'tumor']);
    const scoring: ScoringOptions = { channels: 3, classes: null, includeBackground: false, emptyPolicy: 'nan', ignoreIndex: null, classNames: [] };
    const reference = coreAccumulator('dice', cases, scoring).compute();
    report.perClass.forEach((item: { microDice: number; macroDice: number }, column: number) => {
      expect(closeRelative(item.microDice, reference.micro.data[column]!)).toBe(true);
      expect(closeRelative(item.macroDice, reference.macro.data[column]!)).toBe(true);
    });
    const file = JSON.parse(readFileSync(stats, 'utf8'));
    expect(file.format).toBe('dicekit-eval-statistics/1');
    expect(file.accumulator.format).toBe('dicekit-metric-statistics/1');
    expect(file.cases.map((item: { id: string }) => item.id)).toEqual(cases.map((item) => item.id));
  });

  it('merge of two half runs equals the full run, in either order', async () => {
    const full = await cli(...evalArgs('full', '--format', 'json', '--stats-out', join(root, 'f.json')));
    expect((await cli(...evalArgs('half-a', '--stats-out', join(root, 'a.json')))).code).toBe(0);
    expect((await cli(...evalArgs('half-b', '--stats-out', join(root, 'b.json')))).code).toBe(0);
    const merged = await cli('merge', join(root, 'a.json'), join(root, 'b.json'), '--format', 'json', '--stats-out', join(root, 'ab.json'));
    expect(merged.code).toBe(0);
    expect(merged.out).toBe(full.out);
    const reversed = await cli('merge', join(root, 'b.json'), join(root, 'a.json'), '--format', 'json');
    expect(reversed.out).toBe(full.out);
    expect(readFileSync(join(root, 'ab.json'), 'utf8')).toBe(readFileSync(join(root, 'f.json'), 'utf8'));
    for (const format of ['csv', 'md', 'table']) {
      const one = await cli('merge', join(root, 'a.json'), join(root, 'b.json'), '--format', format);
      const whole = await cli('merge', join(root, 'f.json'), '--format', format);
      expect(one.out).toBe(whole.out);
    }
  });

  it('merge refuses overlapping cases and different scoring', async () => {
    await cli(...evalArgs('half-a', '--stats-out', join(root, 'a1.json')));
    await cli(...evalArgs('half-b', '--stats-out', join(root, 'b-empty-one.json'), '--empty', 'one'));
    const overlap = await cli('merge', join(root, 'a1.json'), join(root, 'a1.json'));
    expect(overlap.code).toBe(2);
    expect(overlap.err).toMatch(/case "case_000" is in both/);
    const different = await cli('merge', join(root, 'a1.json'), join(root, 'b-empty-one.json'));
    expect(different.code).toBe(2);
    expect(different.err).toMatch(/different scoring/);
    writeFileSync(join(root, 'junk.json'), '{"format": "something else"}');
    const junk = await cli('merge', join(root, 'junk.json'));
    expect(junk.code).toBe(2);
    expect(junk.err).toMatch(/not a dicekit-eval-statistics\/1 file/);
  });

  it('renders table, csv and md, writes --out, and exits 1 with a report line per failed case', async () => {
    const folder = join(root, 'with-bad');
    for (const sub of ['pred', 'gt']) {
      mkdirSync(join(folder, sub), { recursive: true });
      for (const name of readdirSync(join(root, 'full', sub))) copyFileSync(join(root, 'full', sub, name), join(folder, sub, name));
    }
    writeFileSync(join(folder, 'pred', 'case_009.nii.gz'), 'not gzip at all');
    writeFileSync(join(folder, 'gt', 'case_009.nii.gz'), readFileSync(join(folder, 'gt', 'case_000.nii.gz')));
    const out = join(root, 'report.md');
    const result = await cli('eval', '--pred', join(folder, 'pred'), '--gt', join(folder, 'gt'), '--num-classes', '3', '--workers', '1', '--format', 'md', '--out', out);
    expect(result.code).toBe(1);
    expect(result.out).toBe('');
    expect(result.err).toMatch(/dicekit: FAILED case_009: prediction .*case_009\.nii\.gz: E_DTYPE: not a gzip file/);
    expect(result.err).toMatch(/dicekit: \[7\/7\]/);
    expect(result.err).toMatch(/read\+decode .* count .*summed over workers/);
    const markdown = readFileSync(out, 'utf8');
    expect(markdown).toMatch(/^## Per case\n\n\| case \| class \| dice/);
    expect(markdown).toMatch(/## Failed cases\n\n- case_009: prediction/);
    const csv = await cli(...evalArgs('with-bad', '--format', 'csv'));
    expect(csv.code).toBe(1);
    const lines = csv.out.trim().split('\n');
    expect(lines[0]).toBe('row,case,class,name,dice,iou,precision,recall,predicted_voxels,true_voxels,predicted_ml,true_ml,count,reason');
    expect(lines.filter((line) => line.startsWith('case,')).length).toBe(6 * 2);
    expect(lines.at(-1)).toMatch(/^failed,case_009,/);
    const table = await cli(...evalArgs('with-bad'));
    expect(table.out).toMatch(/dataset: micro dice \d\.\d{4}, .*6 cases scored, 1 failed/);
  });

  it('refuses bad usage with exit code 2 and a reason', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['frobnicate'], /unknown command "frobnicate"/],
      [['eval', '--gt', 'x'], /needs --pred <dir> and --gt <dir>/],
      [['eval', '--pred', 'x', '--gt', 'y', '--empty', 'maybe'], /--empty "maybe"/],
      [['eval', '--pred', 'x', '--gt', 'y', '--format', 'xml'], /--format "xml"/],
      [['eval', '--pred', 'x', '--gt', 'y', '--num-classes', '3', '--class-names', 'a,b'], /2 names for --num-classes 3/],
      [['eval', '--pred', 'x', '--gt', 'y', '--classes', '2,1'], /strictly ascending/],
      [['eval', '--pred', 'x', '--gt', 'y', '--num-classes', '3', '--classes', '5'], /class 5 is outside \[0, 3\)/],
      [['eval', '--pred', 'x', '--gt', 'y', '--classes', '0'], /no class left to score/],
      [['eval', '--pred', 'x', '--gt', 'y', '--workers', 'many'], /--workers "many"/],
      [['eval', '--pred', 'x', '--gt', 'y', '--bogus'], /Unknown option '--bogus'/],
      [['eval', '--pred', join(root, 'nowhere'), '--gt', join(root, 'full', 'gt')], /prediction folder .*nowhere/],
      [[...evalArgs('full'), '--out', join(root, 'no-such-folder', 'report.txt')], /--out .*report\.txt: the folder is not writable/],
    ];
    for (const [argv, pattern] of cases) {
      const result = await cli(...argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.err).toMatch(pattern);
    }
    mkdirSync(join(root, 'empty-a'));
    mkdirSync(join(root, 'empty-b'));
    const empty = await cli('eval', '--pred', join(root, 'empty-a'), '--gt', join(root, 'empty-b'));
    expect(empty.code).toBe(2);
    expect(empty.err).toMatch(/no label files/);
  });

  it('derives C and names from the options', () => {
    const command = parseArguments(['eval', '--pred', 'p', '--gt', 'g', '--class-names', '1=liver,3=tumor', '--include-background']);
    expect(command.command === 'eval' && command.scoring.channels).toBe(4);
    expect(command.command === 'eval' && command.scoring.classNames).toEqual(['background', 'liver', '2', 'tumor']);
    const mapped = parseArguments(['eval', '--pred', 'p', '--gt', 'g', '--color-map', '#ff0000=1,#00ff00=2']);
    expect(mapped.command === 'eval' && mapped.scoring.channels).toBe(3);
    const binary = parseArguments(['eval', '--pred', 'p', '--gt', 'g']);
    expect(binary.command === 'eval' && binary.scoring.channels).toBe(2);
  });
});
