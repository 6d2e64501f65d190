import type { LabelCounts } from '../counting/label-counts.js';
import type { ValueMap } from '../readers/value-map.js';
import type { VolumeHeader } from '../readers/volume-header.js';

/** What every task of one run shares (sent once to each worker). */
export interface EvaluationSettings {
  /** `C`: labels are class indices in `[0, C)`. */
  readonly channels: number;
  readonly ignoreIndex: number | null;
  readonly valueMap: ValueMap;
}

/** Score one whole case: read both files, check them, count. */
export interface CaseTask {
  readonly kind: 'case';
  readonly caseIndex: number;
  readonly predictionPath: string;
  readonly groundTruthPath: string;
}

/** Count voxels `[start, start + count)` of a huge uncompressed case whose headers were checked already. */
export interface SlabTask {
  readonly kind: 'slab';
  readonly caseIndex: number;
  readonly predictionPath: string;
  readonly groundTruthPath: string;
  readonly predictionHeader: VolumeHeader;
  readonly groundTruthHeader: VolumeHeader;
  readonly start: number;
  readonly count: number;
}

/** A unit of work for a worker. */
export type EvaluationTask = CaseTask | SlabTask;

/** Time spent in a task, in milliseconds: reading and decoding files vs counting voxels. */
export interface TaskTiming {
  readonly readMilliseconds: number;
  readonly countMilliseconds: number;
}

/** A task's result: counts and what the files said, or why the case cannot be scored. */
export type TaskResult =
  | (TaskTiming & {
      readonly ok: true;
      readonly counts: LabelCounts;
      readonly shape: readonly number[];
      readonly voxelVolumeMl: number | null;
      readonly warnings: readonly string[];
    })
  | (TaskTiming & { readonly ok: false; readonly reason: string });
