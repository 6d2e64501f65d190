import type { ElementwiseCoefficients, PairStatistics, StatisticsKind } from '@dicekit/core';
import { fastExp } from '../math/fast-exp.js';
import { wasmKernel, type WasmKernel } from '../wasm/wasm-kernel.js';
import { WASM_LAYOUT } from '../wasm/kernel-source.js';
import type { FloatArray, KernelData } from './kernel-data.js';
import { softmaxGradientInWasm, softmaxPlan, softmaxStatisticsInWasm } from './softmax-wasm-pass.js';
import { stagedDirectGradient, stagedDirectStatistics, stagedPathApplies } from './staged-pass.js';
import { zeroCopyDirectGradient, zeroCopyDirectStatistics, zeroCopyPlan } from './zero-copy-pass.js';

// Partial sums are flushed into the float64 totals every this many voxels (blocked summation).
export const RUN = 4096;

/**
 * Whether the direct (blockless) kernels apply: no voxel weights, plain sums (neither `squared` nor `softLabel`) and no compound term. This is the
 * common binary-segmentation case; everything else runs the block engine.
 */
export function directPathApplies(data: KernelData, kind: StatisticsKind, compound: boolean): boolean {
  return !data.weighted && !kind.squared && !kind.absoluteDifference && !compound;
}

/**
 * Scratch of one run of the softmax kernels: per voxel, the largest logit and `1 / Σ_c e^{x_c - max}`;
 * per element, `e^{x_c - max}` (`p = e · inverse`, formed where it is used: a separate normalising
 * pass over the run cost as much as the sums).
 */
interface SoftmaxRun {
  readonly maximum: Float64Array;
  readonly inverse: Float64Array;
  readonly probability: Float64Array;
}

/**
 * Softmax of the voxels `[start, end)` of one sample, channel row by channel row (contiguous reads in
 * channels-first): `p_c = e^{x_c - max} / Σ_k e^{x_k - max}`, the max taken branch-free (a
 * data-dependent branch per channel costs more than the exponential). Writes `e^{x_c - max}` to
 * `run.probability[c·RUN + j]` and `1 / Σ` to `run.inverse[j]`; returns false when a logit is not finite.
 */
function softmaxRun(data: KernelData, sampleBase: number, start: number, end: number, run: SoftmaxRun): boolean {
  const { channels, channelStride, voxelStride } = data.geometry;
  const input = data.input;
  const { maximum, inverse, probability } = run;
  const count = end - start;
  let finite = true;
  let index = sampleBase + start * voxelStride;
  for (let voxel = 0; voxel < count; voxel++, index += voxelStride) maximum[voxel] = input[index] as number;
  for (let channel = 1; channel < channels; channel++) {
    index = sampleBase + channel * channelStride + start * voxelStride;
    for (let voxel = 0; voxel < count; voxel++, index += voxelStride) {
      const a = maximum[voxel] as number;
      const b = input[index] as number;
      // max(a, b) as (a + b + |a - b|) / 2: no data-dependent branch (V8's Math.max and a ternary both
      // mispredict on every other channel, costing as much as the exponential). The shift only needs
      // to be the max up to rounding: softmax does not depend on it.
      maximum[voxel] = 0.5 * (a + b + Math.abs(a - b));
    }
  }
  inverse.fill(0, 0, count);
  for (let channel = 0; channel < channels; channel++) {
    index = sampleBase + channel * channelStride + start * voxelStride;
    const offset = channel * RUN;
    for (let voxel = 0; voxel < count; voxel++, index += voxelStride) {
      const x = input[index] as number;
      if (x - x !== 0) finite = false;
      const e = fastExp(x - (maximum[voxel] as number));
      probability[offset + voxel] = e;
      inverse[voxel] = (inverse[voxel] as number) + e;
    }
  }
  for (let voxel = 0; voxel < count; voxel++) inverse[voxel] = 1 / (inverse[voxel] as number);
  return finite;
}

function softmaxScratch(channels: number): SoftmaxRun {
  return { maximum: new Float64Array(RUN), inverse: new Float64Array(RUN), probability: new Float64Array(RUN * channels) };
}

/** {@link directStatistics} for softmax: the activation per run of voxels, then one loop per channel row. */
function directSoftmaxStatistics(data: KernelData, statistics: PairStatistics): boolean {
  const { batch, channels, voxels, channelStride, voxelStride, sampleStride } = data.geometry;
  const dense = data.dense;
  const labels = data.labels;
  const run = softmaxScratch(channels);
  const { probability, inverse } = run;
  let valid = true;
  for (let sample = 0; sample < batch; sample++) {
    const sampleBase = sample * sampleStride;
    const labelBase = sample * voxels;
    for (let start = 0; start < voxels; start += RUN) {
      const end = start + RUN < voxels ? start + RUN : voxels;
      const count = end - start;
      if (!softmaxRun(data, sampleBase, start, end, run)) valid = false;
      for (let channel = 0; channel < channels; channel++) {
        const offset = channel * RUN;
        let intersection = 0;
        let prediction = 0;
        let target = 0;
        if (dense !== null) {
          let index = sampleBase + channel * channelStride + start * voxelStride;
          for (let voxel = 0; voxel < count; voxel++, index += voxelStride) {
            const p = (probability[offset + voxel] as number) * (inverse[voxel] as number);
            const t = dense[index] as number;
            if (!(t >= 0 && t <= 1)) valid = false;
            intersection += p * t;
            prediction += p;
            target += t;
          }
        } else {
          const map = labels as NonNullable<typeof labels>;
          for (let voxel = 0; voxel < count; voxel++) {
            const p = (probability[offset + voxel] as number) * (inverse[voxel] as number);
            const label = map[labelBase + start + voxel] as number;
            if ((label >>> 0) >= channels) valid = false;
            prediction += p;
            if (label === channel) {
              intersection += p;
              target += 1;
            }
          }
        }
        const pair = sample * channels + channel;
        statistics.intersection[pair] = (statistics.intersection[pair] as number) + intersection;
        statistics.prediction[pair] = (statistics.prediction[pair] as number) + prediction;
        statistics.target[pair] = (statistics.target[pair] as number) + target;
      }
    }
  }
  return valid;
}

/** {@link directGradient} for softmax: `dx_c = p_c (g_c - Σ_j g_j p_j)` with `g_c = constant_c + target_c·t_c`. */
function directSoftmaxGradient(data: KernelData, coefficients: ElementwiseCoefficients, output: FloatArray): void {
  const { batch, channels, voxels, channelStride, voxelStride, sampleStride } = data.geometry;
  const dense = data.dense;
  const labels = data.labels;
  const run = softmaxScratch(channels);
  const { probability, inverse } = run;
  // Per voxel Σ_c g_c p_c; `maximum` is free once the run's exponentials exist.
  const dot = run.maximum;
  for (let sample = 0; sample < batch; sample++) {
    const sampleBase = sample * sampleStride;
    const labelBase = sample * voxels;
    for (let start = 0; start < voxels; start += RUN) {
      const end = start + RUN < voxels ? start + RUN : voxels;
      const count = end - start;
      softmaxRun(data, sampleBase, start, end, run);
      dot.fill(0, 0, count);
      // One loop per (pass, target kind): no branch on either inside the voxel loop.
      for (let pass = 0; pass < 2; pass++) {
        for (let channel = 0; channel < channels; channel++) {
          const pair = sample * channels + channel;
          const constant = coefficients.constant[pair] as number;
          const slope = coefficients.target[pair] as number;
          const offset = channel * RUN;
          let index = sampleBase + channel * channelStride + start * voxelStride;
          if (dense !== null) {
            if (pass === 0) {
              for (let voxel = 0; voxel < count; voxel++, index += voxelStride) {
                const p = (probability[offset + voxel] as number) * (inverse[voxel] as number);
                dot[voxel] = (dot[voxel] as number) + (constant + slope * (dense[index] as number)) * p;
              }
            } else {
              for (let voxel = 0; voxel < count; voxel++, index += voxelStride) {
                const p = (probability[offset + voxel] as number) * (inverse[voxel] as number);
                output[index] = p * (constant + slope * (dense[index] as number) - (dot[voxel] as number));
              }
            }
          } else {
            const map = labels as NonNullable<typeof labels>;
            const labelStart = labelBase + start;
            if (pass === 0) {
              for (let voxel = 0; voxel < count; voxel++) {
                const p = (probability[offset + voxel] as number) * (inverse[voxel] as number);
                const g = constant + slope * ((map[labelStart + voxel] as number) === channel ? 1 : 0);
                dot[voxel] = (dot[voxel] as number) + g * p;
              }
            } else {
              for (let voxel = 0; voxel < count; voxel++, index += voxelStride) {
                const p = (probability[offset + voxel] as number) * (inverse[voxel] as number);
                const g = constant + slope * ((map[labelStart + voxel] as number) === channel ? 1 : 0);
                output[index] = p * (g - (dot[voxel] as number));
              }
            }
          }
        }
      }
    }
  }
}

/** Which implementation a call may use: `'auto'` picks WebAssembly SIMD where it applies. */
export type KernelChoice = 'auto' | 'javascript';

/** Where a row of the direct path lives and how to read it. */
export interface Row {
  readonly base: number;
  readonly labelBase: number;
  readonly channel: number;
}

/** Float64 slots of one run's partial sums: `[I0..I3, P0..P3, T0..T3]` (four lanes), then the tail `[I, P, T]`. */
export const LANE_SLOTS = 15;
export const TAIL = 12;

/**
 * One run of a row (`[start, end)`, at most {@link RUN} voxels), in JavaScript, written to `lanes` as
 * `[I0..I3, P0..P3, T0..T3, tail I, tail P, tail T]`. Returns false when a value failed the data checks.
 * Probabilities use four lanes (lane k the elements `start + 4i + k`, the last `(end - start) mod 4`
 * elements summed from 0 into the tail), exactly the order of the WebAssembly kernel, so both paths
 * give the same bits. Sigmoid keeps two lanes: its WebAssembly kernel differs anyway (float32
 * exponential), and a four-lane body with the inlined sigmoid is too large for V8 to inline the
 * helpers (measured 1.5x slower on label maps).
 */
function runInJavaScript(data: KernelData, row: Row, start: number, end: number, lanes: Float64Array): boolean {
  return data.activation === 'sigmoid' ? sigmoidRun(data, row, start, end, lanes) : probabilityRun(data, row, start, end, lanes);
}

function probabilityRun(data: KernelData, row: Row, start: number, end: number, lanes: Float64Array): boolean {
  const { channels, voxelStride } = data.geometry;
  const input = data.input;
  const labelBase = row.labelBase;
  const channel = row.channel;
  let bad = false;
  // Twelve scalar accumulators (V8 keeps them in registers; a lane array would cost a load and a store each).
  let i0 = 0, i1 = 0, i2 = 0, i3 = 0, p0 = 0, p1 = 0, p2 = 0, p3 = 0, t0 = 0, t1 = 0, t2 = 0, t3 = 0;
  let index = row.base + start * voxelStride;
  let voxel = start;
  for (; voxel + 3 < end; voxel += 4, index += 4 * voxelStride) {
    const pa = input[index] as number;
    const pb = input[index + voxelStride] as number;
    const pc = input[index + 2 * voxelStride] as number;
    const pd = input[index + 3 * voxelStride] as number;
    if (!(pa >= 0 && pa <= 1 && pb >= 0 && pb <= 1 && pc >= 0 && pc <= 1 && pd >= 0 && pd <= 1)) bad = true;
    const ta = targetOf(data, index, labelBase + voxel, channel, channels);
    const tb = targetOf(data, index + voxelStride, labelBase + voxel + 1, channel, channels);
    const tc = targetOf(data, index + 2 * voxelStride, labelBase + voxel + 2, channel, channels);
    const td = targetOf(data, index + 3 * voxelStride, labelBase + voxel + 3, channel, channels);
    if (ta < 0 || tb < 0 || tc < 0 || td < 0) bad = true;
    i0 += pa * ta;
    i1 += pb * tb;
    i2 += pc * tc;
    i3 += pd * td;
    p0 += pa;
    p1 += pb;
    p2 += pc;
    p3 += pd;
    t0 += ta;
    t1 += tb;
    t2 += tc;
    t3 += td;
  }
  lanes[0] = i0;
  lanes[1] = i1;
  lanes[2] = i2;
  lanes[3] = i3;
  lanes[4] = p0;
  lanes[5] = p1;
  lanes[6] = p2;
  lanes[7] = p3;
  lanes[8] = t0;
  lanes[9] = t1;
  lanes[10] = t2;
  lanes[11] = t3;
  return tailRun(data, row, voxel, end, index, lanes) && !bad;
}

function sigmoidRun(data: KernelData, row: Row, start: number, end: number, lanes: Float64Array): boolean {
  const { channels, voxelStride } = data.geometry;
  const input = data.input;
  let bad = false;
  let i0 = 0;
  let i1 = 0;
  let p0 = 0;
  let p1 = 0;
  let t0 = 0;
  let t1 = 0;
  let index = row.base + start * voxelStride;
  let voxel = start;
  for (; voxel + 1 < end; voxel += 2, index += 2 * voxelStride) {
    const xa = input[index] as number;
    const xb = input[index + voxelStride] as number;
    if (!(xa - xa === 0) || !(xb - xb === 0)) bad = true;
    const pa = sigmoidOf(xa);
    const pb = sigmoidOf(xb);
    const ta = targetOf(data, index, row.labelBase + voxel, row.channel, channels);
    const tb = targetOf(data, index + voxelStride, row.labelBase + voxel + 1, row.channel, channels);
    if (ta < 0 || tb < 0) bad = true;
    i0 += pa * ta;
    p0 += pa;
    t0 += ta;
    i1 += pb * tb;
    p1 += pb;
    t1 += tb;
  }
  lanes.fill(0, 0, TAIL);
  lanes[0] = i0;
  lanes[1] = i1;
  lanes[4] = p0;
  lanes[5] = p1;
  lanes[8] = t0;
  lanes[9] = t1;
  return tailRun(data, row, voxel, end, index, lanes) && !bad;
}

/** The elements `[voxel, end)` (fewer than four) summed from 0 into the tail slots. */
export function tailRun(data: KernelData, row: Row, voxel: number, end: number, index: number, lanes: Float64Array): boolean {
  const { channels, voxelStride } = data.geometry;
  const sigmoid = data.activation === 'sigmoid';
  let bad = false;
  let tailIntersection = 0;
  let tailPrediction = 0;
  let tailTarget = 0;
  for (; voxel < end; voxel++, index += voxelStride) {
    const x = data.input[index] as number;
    if (!inputValid(x, sigmoid)) bad = true;
    const p = sigmoid ? sigmoidOf(x) : x;
    const t = targetOf(data, index, row.labelBase + voxel, row.channel, channels);
    if (t < 0) bad = true;
    tailIntersection += p * t;
    tailPrediction += p;
    tailTarget += t;
  }
  lanes[TAIL] = tailIntersection;
  lanes[TAIL + 1] = tailPrediction;
  lanes[TAIL + 2] = tailTarget;
  return !bad;
}

/** The run's total of statistic `which` (0 `I`, 1 `P`, 2 `T`): `((l0 + l1) + (l2 + l3)) + tail`, the one order of both paths. */
export function laneTotal(lanes: Float64Array, which: number): number {
  const base = 4 * which;
  return (
    ((lanes[base] as number) + (lanes[base + 1] as number) + ((lanes[base + 2] as number) + (lanes[base + 3] as number))) +
    (lanes[TAIL + which] as number)
  );
}

/** Finite (logits) or in [0, 1] (probabilities). */
function inputValid(x: number, logits: boolean): boolean {
  // x - x is NaN exactly for NaN and ±Infinity.
  return logits ? x - x === 0 : x >= 0 && x <= 1;
}

/** `σ(x)`: `r = 1 / (1 + e^{-|x|})`, `σ = x >= 0 ? r : e·r`. */
function sigmoidOf(x: number): number {
  const e = fastExp(-Math.abs(x));
  const r = 1 / (1 + e);
  return x >= 0 ? r : e * r;
}

/** The target of one element, or -1 when it fails the data checks (a dense value outside [0, 1], a bad label). */
export function targetOf(data: KernelData, index: number, voxelIndex: number, channel: number, channels: number): number {
  const dense = data.dense;
  if (dense !== null) {
    const t = dense[index] as number;
    return t >= 0 && t <= 1 ? t : -1;
  }
  const label = (data.labels as NonNullable<KernelData['labels']>)[voxelIndex] as number;
  if (channels === 1) return (label >>> 0) < 2 ? label : -1;
  if ((label >>> 0) >= channels) return -1;
  return label === channel ? 1 : 0;
}

/** The label kernels' `channel` and `upper`: `(c, C)`, or `(1, 2)` for a binary label map (t = label). */
function labelParameters(channel: number, channels: number): [number, number] {
  return channels === 1 ? [1, 2] : [channel, channels];
}

/** Copies the target of voxels `[start, end)` of a row into the kernel's target chunk (float32 values, or int32 labels). */
function copyTargetChunk(data: KernelData, wasm: WasmKernel, row: Row, start: number, end: number): void {
  if (data.labels === null) wasm.floats.set((data.dense as Float32Array).subarray(row.base + start, row.base + end), WASM_LAYOUT.target / 4);
  else wasm.integers.set(data.labels.subarray(row.labelBase + start, row.labelBase + end), WASM_LAYOUT.target / 4);
}

/** Whether the WebAssembly kernel can run this call: float32 input, a float32 dense target or a label map, contiguous rows. */
function wasmApplies(data: KernelData, choice: KernelChoice, float32Exponential = true): WasmKernel | null {
  if (choice !== 'auto' || data.activation === 'softmax') return null;
  // The SIMD sigmoid evaluates e^{-|x|} in float32 (about 1.2e-7 relative): not for callers who asked
  // for a float64 gradient of float32 input.
  if (data.activation === 'sigmoid' && !float32Exponential) return null;
  // Dense targets must be float32; label maps of any integer type are copied into an int32 chunk.
  if (!(data.input instanceof Float32Array) || (data.labels === null && !(data.dense instanceof Float32Array)) || data.geometry.voxelStride !== 1) return null;
  return wasmKernel();
}

/**
 * Statistics of every `(n, c)` straight from the caller's arrays: read `x` (and `t`), check them,
 * activate, accumulate `I`, `P`, `T`, all in one loop, in runs of {@link RUN} voxels whose two-lane
 * sums are flushed into float64 totals. With float32 input and a float32 dense target or a label map
 * the runs go through the WebAssembly SIMD kernel (the same bits for probabilities; sigmoid's float32
 * exponential differs by ~1e-7 relative per element); softmax goes to its own SIMD kernel
 * (`softmax-wasm-pass.ts`). Returns false when a value failed a check.
 */
export function directStatistics(data: KernelData, statistics: PairStatistics, choice: KernelChoice = 'auto', float32Exponential = true): boolean {
  if (data.activation === 'softmax') {
    // The SIMD softmax evaluates its exponentials in float32 (about 1.2e-7 relative per element).
    const plan = choice === 'auto' && float32Exponential ? softmaxPlan(data, wasmKernel()) : null;
    return plan === null ? directSoftmaxStatistics(data, statistics) : softmaxStatisticsInWasm(data, plan, statistics);
  }
  const { batch, channels, voxels, channelStride, sampleStride } = data.geometry;
  const wasm = wasmApplies(data, choice, float32Exponential);
  const lanes = new Float64Array(LANE_SLOTS);
  let valid = true;
  // Runs summed in row and run order: the same additions on every path (copied, in place, threads).
  const combine = (pair: number, run: number, sums: Float64Array, offset: number) => {
    const start = run * RUN;
    const end = Math.min(voxels, start + RUN);
    const tailStart = start + 4 * ((end - start) >> 2);
    for (let slot = 0; slot < TAIL; slot++) lanes[slot] = sums[offset + slot] as number;
    if (tailStart < end) {
      // Only a row's last run can end in a partial quad.
      const channel = pair % channels;
      const sample = (pair - channel) / channels;
      const row: Row = { base: sample * sampleStride + channel * channelStride, labelBase: sample * voxels, channel };
      if (!tailRun(data, row, tailStart, end, row.base + tailStart, lanes)) valid = false;
    } else {
      lanes.fill(0, TAIL, LANE_SLOTS);
    }
    const first = run === 0;
    statistics.intersection[pair] = (first ? 0 : (statistics.intersection[pair] as number)) + laneTotal(lanes, 0);
    statistics.prediction[pair] = (first ? 0 : (statistics.prediction[pair] as number)) + laneTotal(lanes, 1);
    statistics.target[pair] = (first ? 0 : (statistics.target[pair] as number)) + laneTotal(lanes, 2);
  };
  const inPlace = wasm === null ? null : zeroCopyPlan(data, wasm);
  if (inPlace !== null) {
    // Arrays in kernel memory: the same runs and the same order of additions, without the copies.
    const kernelValid = zeroCopyDirectStatistics(data, inPlace, RUN, combine);
    return kernelValid && valid;
  }
  if (wasm !== null && stagedPathApplies(data)) {
    // Ordinary arrays on several threads: staged through kernel memory.
    const kernelValid = stagedDirectStatistics(data, wasm, RUN, combine);
    return kernelValid && valid;
  }
  for (let sample = 0; sample < batch; sample++) {
    for (let channel = 0; channel < channels; channel++) {
      const row: Row = { base: sample * sampleStride + channel * channelStride, labelBase: sample * voxels, channel };
      let intersection = 0;
      let prediction = 0;
      let target = 0;
      const chunk = wasm === null ? voxels : WASM_LAYOUT.chunkElements;
      for (let chunkStart = 0; chunkStart < voxels; chunkStart += chunk) {
        const chunkEnd = Math.min(voxels, chunkStart + chunk);
        if (wasm !== null) {
          wasm.floats.set((data.input as Float32Array).subarray(row.base + chunkStart, row.base + chunkEnd), WASM_LAYOUT.input / 4);
          copyTargetChunk(data, wasm, row, chunkStart, chunkEnd);
        }
        for (let start = chunkStart; start < chunkEnd; start += RUN) {
          const end = start + RUN < chunkEnd ? start + RUN : chunkEnd;
          if (wasm === null) {
            if (!runInJavaScript(data, row, start, end, lanes)) valid = false;
          } else {
            const quads = (end - start) >> 2;
            const offset = 4 * (start - chunkStart);
            // The tail (fewer than four elements) into the tail slots; the kernel's lanes fill the rest.
            const tailStart = start + 4 * quads;
            if (!tailRun(data, row, tailStart, end, row.base + tailStart * data.geometry.voxelStride, lanes)) valid = false;
            const sigmoid = data.activation === 'sigmoid';
            let bad: number;
            if (data.labels === null) {
              bad = (sigmoid ? wasm.forwardSigmoid : wasm.forwardProbability)(WASM_LAYOUT.input + offset, WASM_LAYOUT.target + offset, quads);
            } else {
              const [labelChannel, upper] = labelParameters(channel, channels);
              bad = (sigmoid ? wasm.forwardSigmoidLabels : wasm.forwardProbabilityLabels)(WASM_LAYOUT.input + offset, WASM_LAYOUT.target + offset, quads, labelChannel, upper);
            }
            if (bad !== 0) valid = false;
            // The layout in memory is [I0..I3, P0..P3, T0..T3], the same as runInJavaScript's.
            lanes.set(wasm.doubles.subarray(WASM_LAYOUT.result / 8, WASM_LAYOUT.result / 8 + TAIL));
          }
          intersection += laneTotal(lanes, 0);
          prediction += laneTotal(lanes, 1);
          target += laneTotal(lanes, 2);
        }
      }
      const pair = sample * channels + channel;
      statistics.intersection[pair] = intersection;
      statistics.prediction[pair] = prediction;
      statistics.target[pair] = target;
    }
  }
  return valid;
}

/** `(constant + slope·t) · σ(x)σ(-x)` (or without the factor) for one element, as the kernel computes it. */
export function gradientElement(sigmoid: boolean, x: number, t: number, constant: number, slope: number): number {
  const g = constant + slope * t;
  if (!sigmoid) return g;
  const e = fastExp(-Math.abs(x));
  const r = 1 / (1 + e);
  // σ(x)·σ(-x) = r · e·r whichever sign x has.
  return g * (r * (e * r));
}

/**
 * The gradient straight into the caller's buffer: `dL/dx = (constant + target·t) · σ(x)σ(-x)` (or
 * without the activation factor for probabilities), one loop, nothing allocated. Float32 input, a
 * float32 dense target or a label map and a float32 buffer go through the WebAssembly SIMD kernels
 * (softmax: `softmax-wasm-pass.ts`).
 */
export function directGradient(data: KernelData, coefficients: ElementwiseCoefficients, output: FloatArray, choice: KernelChoice = 'auto'): void {
  if (data.activation === 'softmax') {
    const plan = choice === 'auto' && output instanceof Float32Array ? softmaxPlan(data, wasmKernel()) : null;
    if (plan === null) directSoftmaxGradient(data, coefficients, output);
    else softmaxGradientInWasm(data, plan, coefficients, output);
    return;
  }
  const { batch, channels, voxels, channelStride, voxelStride, sampleStride } = data.geometry;
  const input = data.input;
  const dense = data.dense;
  const labels = data.labels;
  const sigmoid = data.activation === 'sigmoid';
  const binaryLabels = channels === 1;
  const wasm = output instanceof Float32Array ? wasmApplies(data, choice) : null;
  const inPlace = wasm === null ? null : zeroCopyPlan(data, wasm);
  const inPlaceWritten = inPlace !== null && zeroCopyDirectGradient(data, inPlace, RUN, coefficients, output);
  const staged = !inPlaceWritten && wasm !== null && stagedPathApplies(data);
  if (staged) stagedDirectGradient(data, wasm, RUN, coefficients, output);
  if (inPlaceWritten || staged) {
    // The kernels wrote every row but its last `voxels mod 4` elements.
    for (let pair = 0; pair < batch * channels; pair++) {
      const channel = pair % channels;
      const sample = (pair - channel) / channels;
      const base = sample * sampleStride + channel * channelStride;
      const constant = coefficients.constant[pair] as number;
      const slope = coefficients.target[pair] as number;
      for (let voxel = voxels - (voxels % 4); voxel < voxels; voxel++) {
        const t = targetOf(data, base + voxel, sample * voxels + voxel, channel, channels);
        output[base + voxel] = gradientElement(sigmoid, input[base + voxel] as number, t, constant, slope);
      }
    }
    return;
  }
  for (let sample = 0; sample < batch; sample++) {
    for (let channel = 0; channel < channels; channel++) {
      const pair = sample * channels + channel;
      // `prediction` and `sign` coefficients are 0 for plain sums: 0·p adds nothing for finite p.
      const constant = coefficients.constant[pair] as number;
      const slope = coefficients.target[pair] as number;
      const base = sample * sampleStride + channel * channelStride;
      if (wasm !== null) {
        const row: Row = { base, labelBase: sample * voxels, channel };
        const [labelChannel, upper] = labelParameters(channel, channels);
        for (let start = 0; start < voxels; start += WASM_LAYOUT.chunkElements) {
          const end = Math.min(voxels, start + WASM_LAYOUT.chunkElements);
          // Probabilities: the gradient depends on the target only, so the input is not copied in.
          if (sigmoid) wasm.floats.set((input as Float32Array).subarray(base + start, base + end), WASM_LAYOUT.input / 4);
          copyTargetChunk(data, wasm, row, start, end);
          const quads = (end - start) >> 2;
          if (labels === null) {
            (sigmoid ? wasm.backwardSigmoid : wasm.backwardProbability)(WASM_LAYOUT.input, WASM_LAYOUT.target, WASM_LAYOUT.gradient, quads, constant, slope);
          } else {
            (sigmoid ? wasm.backwardSigmoidLabels : wasm.backwardProbabilityLabels)(WASM_LAYOUT.input, WASM_LAYOUT.target, WASM_LAYOUT.gradient, quads, constant, slope, labelChannel, upper);
          }
          output.set(wasm.floats.subarray(WASM_LAYOUT.gradient / 4, WASM_LAYOUT.gradient / 4 + 4 * quads), base + start);
          for (let voxel = start + 4 * quads; voxel < end; voxel++) {
            const t = targetOf(data, base + voxel, row.labelBase + voxel, channel, channels);
            output[base + voxel] = gradientElement(sigmoid, input[base + voxel] as number, t, constant, slope);
          }
        }
        continue;
      }
      const labelBase = sample * voxels;
      let index = base;
      for (let voxel = 0; voxel < voxels; voxel++, index += voxelStride) {
        let t: number;
        if (dense !== null) t = dense[index] as number;
        else {
          const label = (labels as NonNullable<typeof labels>)[labelBase + voxel] as number;
          t = binaryLabels ? label : label === channel ? 1 : 0;
        }
        output[index] = gradientElement(sigmoid, input[index] as number, t, constant, slope);
      }
    }
  }
}
