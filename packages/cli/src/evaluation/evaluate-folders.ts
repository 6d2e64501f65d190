import { availableParallelism } from 'node:os';
import { relative, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import { addLabelCounts, createLabelCounts, type LabelCounts } from '../counting/label-counts.js';
import { readVolumeHeader } from '../readers/read-volume-header.js';
import { EMPTY_VALUE_MAP, type ValueMap } from '../readers/value-map.js';
import { headerVoxels } from '../readers/volume-header.js';
import type { CaseRecord } from './case-record.js';
import { describeOutside } from './describe-outside.js';
import { compareIds, pairCases, type CaseFailure, type CasePair } from './pair-cases.js';
import { runTasks } from './run-tasks.js';
import { sameShape } from './same-shape.js';
import type { EvaluationSettings, EvaluationTask, TaskResult } from './task-types.js';

/** Default slab size for huge uncompressed volumes: 2^24 voxels (16 MiB of uint8 per file). */
export const DEFAULT_SLAB_VOXELS = 1 << 24;

/** Inputs of {@link evaluateFolders}. */
export interface EvaluateFoldersOptions {
  readonly predictionDirectory: string;
  readonly groundTruthDirectory: string;
  /** `C`: labels must be in `[0, C)` (or equal `ignoreIndex`). */
  readonly channels: number;
  readonly ignoreIndex?: number | null;
  readonly valueMap?: ValueMap;
  /** Worker threads (default: available cores); 0 runs everything on the calling thread. */
  readonly workers?: number;
  /** An uncompressed volume with more voxels than this is counted in slabs of this size in parallel (0: never). */
  readonly slabVoxels?: number;
  /** Progress: called after each case is finished (`done` of `total`). */
  readonly onProgress?: (done: number, total: number, id: string, failed: boolean) => void;
}

/** Where the time went, summed over tasks (in worker threads, so it can exceed the wall time). */
export interface EvaluationTiming {
  readonly wallMilliseconds: number;
  readonly readMilliseconds: number;
  readonly countMilliseconds: number;
  readonly workers: number;
  readonly tasks: number;
}

/** The outcome of an evaluation: scored cases and failures, both sorted by case id. */
export interface EvaluationRun {
  readonly records: CaseRecord[];
  readonly failures: CaseFailure[];
  readonly timing: EvaluationTiming;
}

function planTasks(pairs: readonly CasePair[], slabVoxels: number, workers: number): { tasks: EvaluationTask[]; taskCase: number[] } {
  const tasks: EvaluationTask[] = [];
  const taskCase: number[] = [];
  pairs.forEach((pair, caseIndex) => {
    if (slabVoxels > 0 && workers > 1) {
      try {
        const predictionHeader = readVolumeHeader(pair.predictionPath);
        const groundTruthHeader = readVolumeHeader(pair.groundTruthPath);
        if (
          predictionHeader !== null &&
          groundTruthHeader !== null &&
          sameShape(predictionHeader.shape, groundTruthHeader.shape) &&
          predictionHeader.fortranOrder === groundTruthHeader.fortranOrder &&
          headerVoxels(groundTruthHeader) > slabVoxels
        ) {
          const voxels = headerVoxels(groundTruthHeader);
          for (let start = 0; start < voxels; start += slabVoxels) {
            tasks.push({ kind: 'slab', caseIndex, ...pair, predictionHeader, groundTruthHeader, start, count: Math.min(slabVoxels, voxels - start) });
            taskCase.push(caseIndex);
          }
          return;
        }
      } catch {
        // A header that cannot be read is reported by the whole-case task below, with its reason.
      }
    }
    tasks.push({ kind: 'case', caseIndex, predictionPath: pair.predictionPath, groundTruthPath: pair.groundTruthPath });
    taskCase.push(caseIndex);
  });
  return { tasks, taskCase };
}

function toRecord(options: EvaluateFoldersOptions, pair: CasePair, counts: LabelCounts, result: Extract<TaskResult, { ok: true }>, warnings: readonly string[]): CaseRecord {
  // Relative names: statistics from machines with different folder roots merge into one report.
  const name = (directory: string, path: string): string => relative(directory, path).split(sep).join('/');
  return {
    id: pair.id,
    predictionPath: name(options.predictionDirectory, pair.predictionPath),
    groundTruthPath: name(options.groundTruthDirectory, pair.groundTruthPath),
    shape: [...result.shape],
    voxelVolumeMl: result.voxelVolumeMl,
    ignored: counts.ignored,
    intersection: [...counts.intersection],
    prediction: [...counts.prediction],
    target: [...counts.target],
    warnings: [...new Set(warnings)],
  };
}

/**
 * Scores every pair of label files of two folders: pairs them by name, reads, checks and counts
 * each case on worker threads, and returns per-case statistics in case-id order. Missing, unreadable,
 * corrupt, mismatched cases and cases with labels outside `[0, C)` become failures with a reason;
 * the others are still scored.
 */
export async function evaluateFolders(options: EvaluateFoldersOptions): Promise<EvaluationRun> {
  const started = performance.now();
  const { pairs, failures } = pairCases(options.predictionDirectory, options.groundTruthDirectory);
  const workers = Math.max(0, Math.floor(options.workers ?? availableParallelism()));
  const { tasks, taskCase } = planTasks(pairs, options.slabVoxels ?? DEFAULT_SLAB_VOXELS, workers);
  const settings: EvaluationSettings = {
    channels: options.channels,
    ignoreIndex: options.ignoreIndex ?? null,
    valueMap: options.valueMap ?? EMPTY_VALUE_MAP,
  };
  const remaining = new Array<number>(pairs.length).fill(0);
  for (const caseIndex of taskCase) remaining[caseIndex] = (remaining[caseIndex] as number) + 1;
  const caseFailed = new Array<boolean>(pairs.length).fill(false);
  let done = 0;
  const results = await runTasks(tasks, settings, Math.min(workers, tasks.length), (taskIndex, result) => {
    const caseIndex = taskCase[taskIndex] as number;
    if (!result.ok) caseFailed[caseIndex] = true;
    remaining[caseIndex] = (remaining[caseIndex] as number) - 1;
    if (remaining[caseIndex] === 0) options.onProgress?.(++done, pairs.length, (pairs[caseIndex] as CasePair).id, caseFailed[caseIndex] as boolean);
  });
  let readMilliseconds = 0;
  let countMilliseconds = 0;
  for (const result of results) {
    readMilliseconds += result.readMilliseconds;
    countMilliseconds += result.countMilliseconds;
  }
  // Aggregate in case order, slabs in voxel order: deterministic whatever the scheduling.
  const records: CaseRecord[] = [];
  let taskIndex = 0;
  pairs.forEach((pair, caseIndex) => {
    const counts = createLabelCounts(options.channels);
    const warnings: string[] = [];
    let failure: string | null = null;
    let last: Extract<TaskResult, { ok: true }> | null = null;
    while (taskIndex < tasks.length && taskCase[taskIndex] === caseIndex) {
      const result = results[taskIndex++] as TaskResult;
      if (!result.ok) {
        failure ??= result.reason;
        continue;
      }
      addLabelCounts(counts, result.counts);
      warnings.push(...result.warnings);
      last = result;
    }
    failure ??= describeOutside(counts);
    if (failure !== null || last === null) failures.push({ id: pair.id, reason: failure ?? 'no result' });
    else records.push(toRecord(options, pair, counts, last, warnings));
  });
  failures.sort((left, right) => compareIds(left.id, right.id));
  return {
    records,
    failures,
    timing: { wallMilliseconds: performance.now() - started, readMilliseconds, countMilliseconds, workers: Math.min(workers, tasks.length), tasks: tasks.length },
  };
}
