import { DiceKitError, MetricAccumulator, type MetricAccumulatorState } from '@dicekit/core';
import type { CaseRecord } from '../evaluation/case-record.js';
import { compareIds, type CaseFailure } from '../evaluation/pair-cases.js';
import { accumulatorOptions, type ScoringOptions } from './scoring-options.js';
import { accumulatorsOf } from './build-report.js';

/** The format tag of statistics files; bump it when the layout changes. */
export const STATISTICS_FILE_FORMAT = 'dicekit-eval-statistics/1';

/**
 * A statistics file (`--stats-out`): core's versioned accumulator state (the per-case, per-class
 * counts `I, P, T` and the metric configuration) plus what the report needs besides: the label space,
 * class names, per-case metadata (shape, mL per voxel, ignored voxels) and the failures.
 */
export interface StatisticsFile {
  readonly format: typeof STATISTICS_FILE_FORMAT;
  readonly numClasses: number;
  readonly classNames: readonly string[];
  readonly scoring: Omit<ScoringOptions, 'classNames' | 'channels'>;
  /** `MetricAccumulator#toJSON()` of the dice accumulator; its `caseIds` order the `cases` below. */
  readonly accumulator: MetricAccumulatorState;
  readonly cases: ReadonlyArray<{
    readonly id: string;
    readonly prediction: string;
    readonly groundTruth: string;
    readonly shape: readonly number[];
    readonly voxelVolumeMl: number | null;
    readonly ignoredVoxels: number;
    readonly warnings: readonly string[];
  }>;
  readonly failures: readonly CaseFailure[];
}

/** The statistics file of a run. */
export function toStatisticsFile(records: readonly CaseRecord[], failures: readonly CaseFailure[], scoring: ScoringOptions): StatisticsFile {
  const { dice } = accumulatorsOf(records, scoring);
  const state = dice.toJSON();
  // An empty accumulator does not know C yet; the file must, so merging checks it.
  return {
    format: STATISTICS_FILE_FORMAT,
    numClasses: scoring.channels,
    classNames: [...scoring.classNames],
    scoring: { classes: scoring.classes, includeBackground: scoring.includeBackground, emptyPolicy: scoring.emptyPolicy, ignoreIndex: scoring.ignoreIndex },
    accumulator: { ...state, channels: scoring.channels },
    cases: records.map((record) => ({
      id: record.id,
      prediction: record.predictionPath,
      groundTruth: record.groundTruthPath,
      shape: record.shape,
      voxelVolumeMl: record.voxelVolumeMl,
      ignoredVoxels: record.ignored,
      warnings: record.warnings,
    })),
    failures: failures.map((failure) => ({ id: failure.id, reason: failure.reason })),
  };
}

/** Reads a statistics file back into records, failures and scoring options (checking it throughout). */
export function fromStatisticsFile(value: unknown, source: string): { records: CaseRecord[]; failures: CaseFailure[]; scoring: ScoringOptions } {
  const file = value as Partial<StatisticsFile> | null;
  if (file === null || typeof file !== 'object' || file.format !== STATISTICS_FILE_FORMAT) {
    throw new DiceKitError('E_OPTION', `${source}: not a ${STATISTICS_FILE_FORMAT} file (format ${JSON.stringify(file?.format)})`);
  }
  const channels = file.numClasses;
  if (typeof channels !== 'number' || !Number.isInteger(channels) || channels < 1 || !Array.isArray(file.classNames) || file.classNames.length !== channels) {
    throw new DiceKitError('E_SHAPE', `${source}: numClasses and classNames disagree`);
  }
  const stored = file.scoring;
  if (stored === undefined || !Array.isArray(file.cases) || !Array.isArray(file.failures)) throw new DiceKitError('E_SHAPE', `${source}: missing scoring, cases or failures`);
  const scoring: ScoringOptions = { ...stored, channels, classNames: file.classNames };
  // Core refuses a state of another configuration than the one the file says it has.
  const accumulator = MetricAccumulator.fromJSON(file.accumulator, { metric: 'dice', options: accumulatorOptions(scoring) });
  const statistics = accumulator.statistics();
  const ids = accumulator.toJSON().caseIds;
  if (ids.length !== file.cases.length || (accumulator.size > 0 && statistics.channels !== channels)) {
    throw new DiceKitError('E_SHAPE', `${source}: ${ids.length} cases of statistics for ${file.cases.length} case entries`);
  }
  const records: CaseRecord[] = file.cases.map((entry, row) => {
    if (entry.id !== ids[row]) throw new DiceKitError('E_SHAPE', `${source}: case ${row} is ${JSON.stringify(entry.id)} in cases, ${JSON.stringify(ids[row])} in the statistics`);
    const slice = (array: Float64Array): number[] => [...array.subarray(row * channels, (row + 1) * channels)];
    return {
      id: entry.id,
      predictionPath: entry.prediction,
      groundTruthPath: entry.groundTruth,
      shape: entry.shape,
      voxelVolumeMl: entry.voxelVolumeMl,
      ignored: entry.ignoredVoxels,
      intersection: slice(statistics.intersection),
      prediction: slice(statistics.prediction),
      target: slice(statistics.target),
      warnings: entry.warnings ?? [],
    };
  });
  return { records, failures: [...file.failures], scoring };
}

/**
 * Combines runs: same label space, class names and scoring (else `E_OPTION`), no case in two runs
 * (else `E_OPTION`: it would be counted twice). Cases come back sorted by id, so the merged report is
 * the one a single run over all cases gives, bit for bit, whatever the order of the inputs.
 */
export function mergeStatistics(
  parts: ReadonlyArray<{ records: CaseRecord[]; failures: CaseFailure[]; scoring: ScoringOptions; source: string }>,
): { records: CaseRecord[]; failures: CaseFailure[]; scoring: ScoringOptions } {
  const first = parts[0];
  if (first === undefined) throw new DiceKitError('E_OPTION', 'nothing to merge');
  const key = (scoring: ScoringOptions): string => JSON.stringify(scoring);
  const seen = new Map<string, string>();
  const records: CaseRecord[] = [];
  const failures: CaseFailure[] = [];
  for (const part of parts) {
    if (key(part.scoring) !== key(first.scoring)) {
      throw new DiceKitError('E_OPTION', `cannot merge ${part.source} into ${first.source}: different scoring ${key(part.scoring)} vs ${key(first.scoring)}`);
    }
    for (const record of part.records) {
      const earlier = seen.get(record.id);
      if (earlier !== undefined) throw new DiceKitError('E_OPTION', `case ${JSON.stringify(record.id)} is in both ${earlier} and ${part.source}`);
      seen.set(record.id, part.source);
      records.push(record);
    }
    failures.push(...part.failures);
  }
  // A case that failed in one run but was scored in another (a re-run) is no longer a failure.
  const kept = failures.filter((failure) => !seen.has(failure.id));
  records.sort((left, right) => compareIds(left.id, right.id));
  kept.sort((left, right) => compareIds(left.id, right.id));
  return { records, failures: kept, scoring: first.scoring };
}
