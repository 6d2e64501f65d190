import { performance } from 'node:perf_hooks';
import { countLabelPairs } from '../counting/count-label-pairs.js';
import { createLabelCounts } from '../counting/label-counts.js';
import { formatShapeOf, sameShape } from './same-shape.js';
import { readLabelSlab } from '../readers/read-label-slab.js';
import { readLabelVolume } from '../readers/read-label-volume.js';
import { ScratchBuffer } from '../readers/scratch-buffer.js';
import type { LabelVolume } from '../readers/label-volume.js';
import { describeOutside } from './describe-outside.js';
import type { CaseTask, EvaluationSettings, EvaluationTask, SlabTask, TaskResult } from './task-types.js';
import { toRowMajor } from './to-row-major.js';

/** The two reusable read buffers of one thread (prediction and ground truth are alive together). */
export interface TaskScratch {
  readonly prediction: ScratchBuffer;
  readonly groundTruth: ScratchBuffer;
}

/** Fresh scratch buffers for one thread. */
export function createTaskScratch(): TaskScratch {
  return { prediction: new ScratchBuffer(), groundTruth: new ScratchBuffer() };
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    // Node fs errors already start with their code (ENOENT: no such file ...); DiceKitError messages too.
    return typeof code === 'string' && !error.message.startsWith(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

function spacingWarning(prediction: number | null, groundTruth: number | null): string[] {
  if (prediction === null || groundTruth === null) return [];
  if (Math.abs(prediction - groundTruth) <= 1e-6 * Math.max(prediction, groundTruth)) return [];
  return [`voxel volumes differ: prediction ${prediction} mL, ground truth ${groundTruth} mL (volumes in mL use the ground truth's)`];
}

function runCase(task: CaseTask, settings: EvaluationSettings, scratch: TaskScratch): TaskResult {
  const started = performance.now();
  let prediction: LabelVolume;
  let groundTruth: LabelVolume;
  try {
    prediction = readLabelVolume(task.predictionPath, settings.valueMap, scratch.prediction);
  } catch (error) {
    return { ok: false, reason: `prediction ${task.predictionPath}: ${messageOf(error)}`, readMilliseconds: performance.now() - started, countMilliseconds: 0 };
  }
  try {
    groundTruth = readLabelVolume(task.groundTruthPath, settings.valueMap, scratch.groundTruth);
  } catch (error) {
    return { ok: false, reason: `ground truth ${task.groundTruthPath}: ${messageOf(error)}`, readMilliseconds: performance.now() - started, countMilliseconds: 0 };
  }
  if (!sameShape(prediction.shape, groundTruth.shape)) {
    return {
      ok: false,
      reason: `E_SHAPE: prediction shape ${formatShapeOf(prediction.shape)} (${prediction.description}) differs from ground truth shape ${formatShapeOf(groundTruth.shape)} (${groundTruth.description})`,
      readMilliseconds: performance.now() - started,
      countMilliseconds: 0,
    };
  }
  let predictionData = prediction.data;
  let groundTruthData = groundTruth.data;
  if (prediction.fortranOrder !== groundTruth.fortranOrder) {
    if (prediction.fortranOrder) predictionData = toRowMajor(predictionData, prediction.shape);
    else groundTruthData = toRowMajor(groundTruthData, groundTruth.shape);
  }
  const read = performance.now();
  const counts = createLabelCounts(settings.channels);
  countLabelPairs(predictionData, groundTruthData, counts, settings.ignoreIndex);
  const counted = performance.now();
  const timing = { readMilliseconds: read - started, countMilliseconds: counted - read };
  const outside = describeOutside(counts);
  if (outside !== null) return { ok: false, reason: outside, ...timing };
  return {
    ok: true,
    counts,
    shape: groundTruth.shape,
    voxelVolumeMl: groundTruth.voxelVolumeMl,
    warnings: spacingWarning(prediction.voxelVolumeMl, groundTruth.voxelVolumeMl),
    ...timing,
  };
}

function runSlab(task: SlabTask, settings: EvaluationSettings, scratch: TaskScratch): TaskResult {
  const started = performance.now();
  let prediction;
  let groundTruth;
  try {
    prediction = readLabelSlab(task.predictionPath, task.predictionHeader, task.start, task.count, settings.valueMap, scratch.prediction);
  } catch (error) {
    return { ok: false, reason: `prediction ${task.predictionPath}: ${messageOf(error)}`, readMilliseconds: performance.now() - started, countMilliseconds: 0 };
  }
  try {
    groundTruth = readLabelSlab(task.groundTruthPath, task.groundTruthHeader, task.start, task.count, settings.valueMap, scratch.groundTruth);
  } catch (error) {
    return { ok: false, reason: `ground truth ${task.groundTruthPath}: ${messageOf(error)}`, readMilliseconds: performance.now() - started, countMilliseconds: 0 };
  }
  const read = performance.now();
  const counts = createLabelCounts(settings.channels);
  countLabelPairs(prediction, groundTruth, counts, settings.ignoreIndex);
  const counted = performance.now();
  // Outside labels are reported once the slabs of the case are summed.
  return {
    ok: true,
    counts,
    shape: task.groundTruthHeader.shape,
    voxelVolumeMl: task.groundTruthHeader.voxelVolumeMl,
    warnings: spacingWarning(task.predictionHeader.voxelVolumeMl, task.groundTruthHeader.voxelVolumeMl),
    readMilliseconds: read - started,
    countMilliseconds: counted - read,
  };
}

/**
 * Runs one task on this thread: read and decode (reusing `scratch`), check, count. Never throws for
 * bad data: a case that cannot be scored comes back as `{ ok: false, reason }`.
 */
export function runTask(task: EvaluationTask, settings: EvaluationSettings, scratch: TaskScratch): TaskResult {
  try {
    return task.kind === 'case' ? runCase(task, settings, scratch) : runSlab(task, settings, scratch);
  } catch (error) {
    return { ok: false, reason: messageOf(error), readMilliseconds: 0, countMilliseconds: 0 };
  }
}
