import { DiceKitError } from '@dicekit/core';
import type { LabelArray } from '../readers/element-type.js';
import type { LabelCounts } from './label-counts.js';

// Reused across calls (one per thread): a 256 × 256 joint histogram for the uint8 fast path.
let jointHistogram: Uint32Array | null = null;

function bump(map: Map<number, number>, value: number, count: number): void {
  map.set(value, (map.get(value) ?? 0) + count);
}

/** Adds voxels `[from, to)` one by one to the joint histogram. */
function histogramBytes(histogram: Uint32Array, prediction: Uint8Array, target: Uint8Array, from: number, to: number): void {
  for (let index = from; index < to; index++) {
    const bin = ((prediction[index] as number) << 8) | (target[index] as number);
    histogram[bin] = (histogram[bin] as number) + 1;
  }
}

/**
 * Joint histogram of aligned uint8 labels, four voxels per step. Label maps are mostly long runs
 * where prediction and truth agree on one label (background above all); a per-voxel histogram
 * increment there is a chain of dependent stores to one bin (~10 ns per voxel). Runs of 4-voxel
 * words with one agreed label are counted in a register instead, and only other words go to the
 * histogram byte by byte.
 */
function histogramWords(histogram: Uint32Array, prediction: Uint8Array, target: Uint8Array, from: number, words: number): void {
  const predictionWords = new Uint32Array(prediction.buffer, prediction.byteOffset + from, words);
  const targetWords = new Uint32Array(target.buffer, target.byteOffset + from, words);
  let runWord = -1;
  let runLength = 0;
  for (let word = 0; word < words; word++) {
    const predicted = predictionWords[word] as number;
    if (predicted === targetWords[word]) {
      if (predicted === runWord) {
        runLength++;
        continue;
      }
      // All four bytes equal exactly when rotating the word by one byte leaves it unchanged.
      if (((predicted >>> 8) | ((predicted & 0xff) << 24)) >>> 0 === predicted) {
        if (runLength > 0) {
          const bin = (runWord & 0xff) * 257;
          histogram[bin] = (histogram[bin] as number) + 4 * runLength;
        }
        runWord = predicted;
        runLength = 1;
        continue;
      }
    }
    const offset = from + word * 4;
    histogramBytes(histogram, prediction, target, offset, offset + 4);
  }
  if (runLength > 0) {
    const bin = (runWord & 0xff) * 257;
    histogram[bin] = (histogram[bin] as number) + 4 * runLength;
  }
}

/** uint8 × uint8: a joint 256 × 256 histogram, then classes are read off it (no per-voxel branches on labels). */
function countBytes(prediction: Uint8Array, target: Uint8Array, start: number, end: number, ignore: number, counts: LabelCounts): void {
  const histogram = (jointHistogram ??= new Uint32Array(65536));
  histogram.fill(0);
  // Uint32 bins cannot overflow: a typed array holds fewer than 2^32 voxels.
  const aligned = (prediction.byteOffset + start) % 4 === 0 && (target.byteOffset + start) % 4 === 0;
  const words = aligned ? (end - start) >>> 2 : 0;
  if (words > 0) histogramWords(histogram, prediction, target, start, words);
  histogramBytes(histogram, prediction, target, start + words * 4, end);
  const channels = counts.channels;
  for (let predicted = 0; predicted < 256; predicted++) {
    for (let truth = 0; truth < 256; truth++) {
      const count = histogram[(predicted << 8) | truth] as number;
      if (count === 0) continue;
      if (predicted >= channels) bump(counts.outsidePrediction, predicted, count);
      if (truth === ignore) {
        counts.ignored += count;
        continue;
      }
      if (truth >= channels) {
        bump(counts.outsideTarget, truth, count);
        continue;
      }
      if (predicted >= channels) continue;
      counts.prediction[predicted] = (counts.prediction[predicted] as number) + count;
      counts.target[truth] = (counts.target[truth] as number) + count;
      if (predicted === truth) counts.intersection[truth] = (counts.intersection[truth] as number) + count;
    }
  }
}

/** Adds `count` voxels with labels (`predicted`, `truth`) to `counts`; returns how many were ignored. */
function addPairs(counts: LabelCounts, predicted: number, truth: number, count: number, ignore: number): number {
  const channels = counts.channels;
  // `x >>> 0 === x` holds exactly for integers in [0, 2^32): floats like 2.5, NaN and negatives fail it.
  const predictionInside = predicted >>> 0 === predicted && predicted < channels;
  if (!predictionInside) bump(counts.outsidePrediction, predicted, count);
  if (truth === ignore) return count;
  if (!(truth >>> 0 === truth && truth < channels)) {
    bump(counts.outsideTarget, truth, count);
    return 0;
  }
  if (!predictionInside) return 0;
  counts.prediction[predicted] = (counts.prediction[predicted] as number) + count;
  counts.target[truth] = (counts.target[truth] as number) + count;
  if (predicted === truth) counts.intersection[truth] = (counts.intersection[truth] as number) + count;
  return 0;
}

/**
 * Any label types: runs of voxels with the same (prediction, truth) labels are counted in registers
 * and classified once per run, so the checks cost little on real label maps (long runs).
 */
function countGeneric(prediction: LabelArray, target: LabelArray, start: number, end: number, ignore: number, counts: LabelCounts): void {
  if (end <= start) return;
  let ignored = 0;
  // Starting the run at the first voxel (not at a NaN sentinel) keeps the loop's values integers
  // for integer arrays, which V8 compiles to much tighter code.
  let runPrediction = prediction[start] as number;
  let runTruth = target[start] as number;
  let runLength = 0;
  for (let index = start; index < end; index++) {
    const predicted = prediction[index] as number;
    const truth = target[index] as number;
    if (predicted === runPrediction && truth === runTruth) {
      runLength++;
      continue;
    }
    if (runLength > 0) ignored += addPairs(counts, runPrediction, runTruth, runLength, ignore);
    runPrediction = predicted;
    runTruth = truth;
    runLength = 1;
  }
  if (runLength > 0) ignored += addPairs(counts, runPrediction, runTruth, runLength, ignore);
  counts.ignored += ignored;
}

/**
 * Adds the label-map statistics of voxels `[start, end)` to `counts`: per class `c`,
 * `I_c += #{p = c, t = c}`, `P_c += #{p = c}`, `T_c += #{t = c}`, skipping voxels with
 * `t = ignoreIndex` (null: none). Labels outside `[0, C)` are tallied by value in
 * `outsidePrediction`/`outsideTarget` and otherwise not counted: the caller reports them.
 * Exact integer counting; the inputs are not modified.
 */
export function countLabelPairs(
  prediction: LabelArray,
  target: LabelArray,
  counts: LabelCounts,
  ignoreIndex: number | null,
  start = 0,
  end = prediction.length,
): void {
  if (prediction.length !== target.length) {
    throw new DiceKitError('E_SHAPE', `prediction has ${prediction.length} voxels, ground truth ${target.length}`);
  }
  // NaN never equals a label, so "no ignore index" needs no extra branch in the loops.
  const ignore = ignoreIndex ?? Number.NaN;
  if (prediction instanceof Uint8Array && target instanceof Uint8Array) {
    countBytes(prediction, target, start, end, ignore, counts);
  } else {
    countGeneric(prediction, target, start, end, ignore, counts);
  }
  counts.voxels += end - start;
}
