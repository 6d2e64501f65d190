import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildReport } from '../report/build-report.js';
import type { ScoringOptions } from '../report/scoring-options.js';
import { closeRelative, coreAccumulator, coreCaseMetric } from '../test-support/core-reference.js';
import { encodeNifti } from '../test-support/encode-nifti.js';
import { encodeNpy } from '../test-support/encode-npy.js';
import { writeDataset, type GeneratedCase } from '../test-support/write-dataset.js';
import { evaluateFolders } from './evaluate-folders.js';

const root = mkdtempSync(join(tmpdir(), 'dicekit-evaluate-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function scoringFor(channels: number, overrides: Partial<ScoringOptions> = {}): ScoringOptions {
  return {
    channels,
    classes: null,
    includeBackground: false,
    emptyPolicy: 'nan',
    ignoreIndex: null,
    classNames: Array.from({ length: channels }, (_, index) => `class${index}`),
    ...overrides,
  };
}

/** Every per-case score and count equals core's, and micro/macro equal core's accumulator fed with `update`. */
function expectMatchesCore(cases: readonly GeneratedCase[], report: ReturnType<typeof buildReport>, scoring: ScoringOptions): void {
  expect(report.cases.map((item) => item.id)).toEqual(cases.map((item) => item.id));
  cases.forEach((item, row) => {
    const dice = coreCaseMetric('dice', item.prediction, item.groundTruth, scoring);
    const iou = coreCaseMetric('iou', item.prediction, item.groundTruth, scoring);
    const scored = report.cases[row]!;
    scored.classes.forEach((scores, column) => {
      expect(scores.predictedVoxels).toBe(dice.statistics.prediction[scores.classIndex]);
      expect(scores.trueVoxels).toBe(dice.statistics.target[scores.classIndex]);
      expect(closeRelative(scores.dice, dice.scores.data[column]!)).toBe(true);
      expect(closeRelative(scores.iou, iou.scores.data[column]!)).toBe(true);
      expect(closeRelative(scores.precision, dice.precision.data[column]!)).toBe(true);
      expect(closeRelative(scores.recall, dice.recall.data[column]!)).toBe(true);
    });
  });
  const dice = coreAccumulator('dice', cases, scoring).compute();
  const iou = coreAccumulator('iou', cases, scoring).compute();
  report.perClass.forEach((summary, column) => {
    expect(closeRelative(summary.microDice, dice.micro.data[column]!)).toBe(true);
    expect(closeRelative(summary.macroDice, dice.macro.data[column]!)).toBe(true);
    expect(closeRelative(summary.microIou, iou.micro.data[column]!)).toBe(true);
    expect(closeRelative(summary.macroIou, iou.macro.data[column]!)).toBe(true);
    expect(closeRelative(summary.dice.mean, dice.macro.data[column]!)).toBe(true);
  });
}

describe('evaluateFolders', () => {
  it('scores generated NIfTI (.nii.gz) cases exactly as core, the same on 0 and 2 workers', async () => {
    const directory = join(root, 'nifti');
    const cases = writeDataset(directory, { count: 5, shape: [24, 20, 10], classes: 4, format: 'nii.gz', spacing: [0.75, 0.5, 2] });
    const scoring = scoringFor(4);
    const inline = await evaluateFolders({ predictionDirectory: join(directory, 'pred'), groundTruthDirectory: join(directory, 'gt'), channels: 4, workers: 0 });
    expect(inline.failures).toEqual([]);
    const report = buildReport(inline.records, inline.failures, scoring);
    expectMatchesCore(cases, report, scoring);
    // 0.75 × 0.5 × 2 mm³ = 0.75 mm³ per voxel (exact in float32).
    expect(report.cases[0]!.classes[0]!.trueMl).toBeCloseTo(report.cases[0]!.classes[0]!.trueVoxels * 0.00075, 12);
    const threaded = await evaluateFolders({ predictionDirectory: join(directory, 'pred'), groundTruthDirectory: join(directory, 'gt'), channels: 4, workers: 2 });
    expect(threaded.records).toEqual(inline.records);
  });

  it('scores PNG cases with ignoreIndex, includeBackground, classes and every empty policy as core', async () => {
    const directory = join(root, 'png');
    const generated = writeDataset(directory, { count: 4, shape: [33, 17], classes: 3, format: 'png', seed: 5 });
    // Mark a border of the truth as ignored (255) and rewrite the ground truth files.
    const cases = generated.map((item) => {
      const groundTruth = Uint8Array.from(item.groundTruth, (value, index) => (index % 33 < 2 ? 255 : value));
      return { ...item, groundTruth };
    });
    const { encodePng } = await import('../test-support/encode-png.js');
    for (const item of cases) writeFileSync(join(directory, 'gt', `${item.id}.png`), encodePng({ width: 33, height: 17, colorType: 0, bitDepth: 8, samples: item.groundTruth }));
    // Case 3 has no class 2 anywhere: its empty pair exercises the empty policy.
    const empty = cases[3]!;
    empty.prediction.forEach((value, index) => {
      if (value === 2) empty.prediction[index] = 0;
    });
    empty.groundTruth.forEach((value, index) => {
      if (value === 2) empty.groundTruth[index] = 1;
    });
    writeFileSync(join(directory, 'pred', `${empty.id}.png`), encodePng({ width: 33, height: 17, colorType: 0, bitDepth: 8, samples: empty.prediction }));
    writeFileSync(join(directory, 'gt', `${empty.id}.png`), encodePng({ width: 33, height: 17, colorType: 0, bitDepth: 8, samples: empty.groundTruth }));
    const run = await evaluateFolders({ predictionDirectory: join(directory, 'pred'), groundTruthDirectory: join(directory, 'gt'), channels: 3, ignoreIndex: 255, workers: 0 });
    expect(run.failures).toEqual([]);
    for (const overrides of [
      { emptyPolicy: 'nan' as const },
      { emptyPolicy: 'one' as const, includeBackground: true },
      { emptyPolicy: 'zero' as const, classes: [2] },
    ]) {
      const scoring = scoringFor(3, { ignoreIndex: 255, ...overrides });
      expectMatchesCore(cases, buildReport(run.records, run.failures, scoring), scoring);
    }
    const nanReport = buildReport(run.records, run.failures, scoringFor(3, { ignoreIndex: 255 }));
    expect(Number.isNaN(nanReport.cases[3]!.classes[1]!.dice)).toBe(true);
    expect(nanReport.perClass[1]!.dice.count).toBe(3);
    expect(run.records[0]!.ignored).toBe(2 * 17);
  });

  it('reports every bad case with its reason and still scores the others', async () => {
    const directory = join(root, 'bad');
    const cases = writeDataset(directory, { count: 3, shape: [12, 10, 6], classes: 3, format: 'nii.gz', seed: 9 });
    const pred = join(directory, 'pred');
    const gt = join(directory, 'gt');
    const good = encodeNifti({ shape: [12, 10, 6], datatype: 'uint8', data: cases[0]!.groundTruth });
    writeFileSync(join(gt, 'missing_prediction.nii'), good);
    writeFileSync(join(pred, 'missing_truth.nii'), good);
    writeFileSync(join(pred, 'corrupt.nii.gz'), (() => { const bytes = readFileSync(join(pred, 'case_000.nii.gz')); return bytes.subarray(0, bytes.byteLength >> 1); })());
    writeFileSync(join(gt, 'corrupt.nii.gz'), readFileSync(join(gt, 'case_000.nii.gz')));
    mkdirSync(join(pred, 'unreadable.nii'));
    writeFileSync(join(gt, 'unreadable.nii'), good);
    writeFileSync(join(pred, 'mismatch.nii'), encodeNifti({ shape: [12, 10, 5], datatype: 'uint8', data: new Uint8Array(600) }));
    writeFileSync(join(gt, 'mismatch.nii'), good);
    writeFileSync(join(pred, 'outside.nii'), encodeNifti({ shape: [12, 10, 6], datatype: 'uint8', data: Uint8Array.from(cases[0]!.groundTruth, (value, index) => (index < 5 ? 7 : value)) }));
    writeFileSync(join(gt, 'outside.nii'), good);
    writeFileSync(join(pred, 'ambiguous.nii'), good);
    writeFileSync(join(pred, 'ambiguous.npy'), encodeNpy([720], 'uint8', cases[0]!.groundTruth));
    writeFileSync(join(gt, 'ambiguous.nii'), good);
    writeFileSync(join(pred, 'notes.txt'), 'not a label file');
    writeFileSync(join(pred, '._case_000.nii.gz'), 'macOS resource fork');
    for (const workers of [0, 2]) {
      const run = await evaluateFolders({ predictionDirectory: pred, groundTruthDirectory: gt, channels: 3, workers });
      expect(run.records.map((record) => record.id), JSON.stringify(run.failures)).toEqual(['case_000', 'case_001', 'case_002']);
      const reasons = Object.fromEntries(run.failures.map((failure) => [failure.id, failure.reason]));
      expect(Object.keys(reasons).sort()).toEqual(['ambiguous', 'corrupt', 'mismatch', 'missing_prediction', 'missing_truth', 'outside', 'unreadable']);
      expect(reasons.missing_prediction).toMatch(/missing prediction/);
      expect(reasons.missing_truth).toMatch(/missing ground truth/);
      expect(reasons.corrupt).toMatch(/^prediction .*corrupt\.nii\.gz: E_VALUE: gzip data are corrupt or truncated/);
      expect(reasons.unreadable).toMatch(/EISDIR/);
      expect(reasons.mismatch).toMatch(/E_SHAPE: prediction shape \[12, 10, 5\].*ground truth shape \[12, 10, 6\]/);
      expect(reasons.outside).toMatch(/E_LABEL: prediction has labels outside \[0, 3\): 7 \(5 voxels\)/);
      expect(reasons.ambiguous).toMatch(/ambiguous prediction/);
      const scoring = scoringFor(3);
      expectMatchesCore(cases, buildReport(run.records, run.failures, scoring), scoring);
    }
  });

  it('counts huge uncompressed volumes in slabs across workers, equal to the whole-case count', async () => {
    const directory = join(root, 'slabs');
    writeDataset(directory, { count: 2, shape: [40, 30, 20], classes: 4, format: 'nii', seed: 3 });
    // An npy pair in Fortran order too (same storage order on both sides: slabs apply).
    const whole = await evaluateFolders({ predictionDirectory: join(directory, 'pred'), groundTruthDirectory: join(directory, 'gt'), channels: 4, workers: 0 });
    const slabbed = await evaluateFolders({ predictionDirectory: join(directory, 'pred'), groundTruthDirectory: join(directory, 'gt'), channels: 4, workers: 2, slabVoxels: 5000 });
    expect(slabbed.timing.tasks).toBe(2 * Math.ceil(24000 / 5000));
    expect(slabbed.failures).toEqual([]);
    expect(slabbed.records).toEqual(whole.records);
    expect(slabbed.failures).toEqual([]);
  });

  it('pairs an npy (C order) with a NIfTI (x fastest) of the same array correctly', async () => {
    const directory = join(root, 'mixed');
    mkdirSync(join(directory, 'pred'), { recursive: true });
    mkdirSync(join(directory, 'gt'), { recursive: true });
    const shape = [4, 3, 2];
    // NIfTI voxel (x, y, z) is at x + 4 (y + 3 z); the C-order npy of the same array at z + 2 (y + 3 x).
    const value = (x: number, y: number, z: number): number => (x * 7 + y * 3 + z) % 3;
    const nifti: number[] = [];
    for (let z = 0; z < 2; z++) for (let y = 0; y < 3; y++) for (let x = 0; x < 4; x++) nifti.push(value(x, y, z));
    const npy: number[] = [];
    for (let x = 0; x < 4; x++) for (let y = 0; y < 3; y++) for (let z = 0; z < 2; z++) npy.push(value(x, y, z));
    writeFileSync(join(directory, 'gt', 'a.nii'), encodeNifti({ shape, datatype: 'uint8', data: nifti }));
    writeFileSync(join(directory, 'pred', 'a.npy'), encodeNpy(shape, 'uint8', npy));
    const run = await evaluateFolders({ predictionDirectory: join(directory, 'pred'), groundTruthDirectory: join(directory, 'gt'), channels: 3, workers: 0 });
    expect(run.failures).toEqual([]);
    expect(run.records[0]!.intersection).toEqual(run.records[0]!.target);
    expect(run.records[0]!.prediction).toEqual(run.records[0]!.target);
  });
});
