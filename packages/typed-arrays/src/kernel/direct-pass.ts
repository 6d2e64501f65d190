import type { ElementwiseCoefficients, PairStatistics, StatisticsKind } from '@dicekit/core';
import { fastExp } from '../math/fast-exp.js';
import { wasmKernel, type WasmKernel } from '../wasm/wasm-kernel.js';
import { WASM_LAYOUT } from '../wasm/kernel-source.js';
import type { FloatArray, KernelData } from './kernel-data.js';

// Partial sums are flushed into the float64 totals every this many voxels (blocked summation).
const RUN = 4096;

/**
 * Whether the direct (blockless) kernels apply: no voxel weights, plain sums (neither `squared` nor `softLabel`) and no compound term. This is the
 * common binary-segmentation case; everything else runs the block engine.
 */
export function directPathApplies(data: KernelData, kind: StatisticsKind, compound: boolean): boolean {
  return !data.weighted && !kind.squared && !kind.absoluteDifference && !compound;
}

/** Scratch of one run of the softmax kernels: per voxel, the largest logit and `1 / Σ_c e^{x_c - max}`; per element, `p`. */
interface SoftmaxRun {
  readonly maximum: Float64Array;
  readonly inverse: Float64Array;
  readonly probability: Float64Array;
}

/**
 * Softmax of the voxels `[start, end)` of one sample, channel row by channel row (contiguous reads in
 * channels-first): `p_c = e^{x_c - max} / Σ_k e^{x_k - max}`, the max taken branch-free (a
 * data-dependent branch per channel costs more than the exponential). Writes `p` to
 * `run.probability[c·RUN + j]`; returns false when a logit is not finite.
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
  for (let channel = 0; channel < channels; channel++) {
    const offset = channel * RUN;
    for (let voxel = 0; voxel < count; voxel++) probability[offset + voxel] = (probability[offset + voxel] as number) * (inverse[voxel] as number);
  }
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
  const probability = run.probability;
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
            const p = probability[offset + voxel] as number;
            const t = dense[index] as number;
            if (!(t >= 0 && t <= 1)) valid = false;
            intersection += p * t;
            prediction += p;
            target += t;
          }
        } else {
          const map = labels as NonNullable<typeof labels>;
          for (let voxel = 0; voxel < count; voxel++) {
            const p = probability[offset + voxel] as number;
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
  const probability = run.probability;
  // Per voxel Σ_c g_c p_c; `maximum` is free once the run's probabilities exist.
  const dot = run.maximum;
  for (let sample = 0; sample < batch; sample++) {
    const sampleBase = sample * sampleStride;
    const labelBase = sample * voxels;
    for (let start = 0; start < voxels; start += RUN) {
      const end = start + RUN < voxels ? start + RUN : voxels;
      const count = end - start;
      softmaxRun(data, sampleBase, start, end, run);
      dot.fill(0, 0, count);
      for (let pass = 0; pass < 2; pass++) {
        for (let channel = 0; channel < channels; channel++) {
          const pair = sample * channels + channel;
          const constant = coefficients.constant[pair] as number;
          const slope = coefficients.target[pair] as number;
          const offset = channel * RUN;
          let index = sampleBase + channel * channelStride + start * voxelStride;
          for (let voxel = 0; voxel < count; voxel++, index += voxelStride) {
            const t =
              dense !== null
                ? (dense[index] as number)
                : ((labels as NonNullable<typeof labels>)[labelBase + start + voxel] as number) === channel
                  ? 1
                  : 0;
            const g = constant + slope * t;
            const p = probability[offset + voxel] as number;
            if (pass === 0) dot[voxel] = (dot[voxel] as number) + g * p;
            else output[index] = p * (g - (dot[voxel] as number));
          }
        }
      }
    }
  }
}

/** Which implementation a call may use: `'auto'` picks WebAssembly SIMD where it applies. */
export type KernelChoice = 'auto' | 'javascript';

/** Where a row of the direct path lives and how to read it. */
interface Row {
  readonly base: number;
  readonly labelBase: number;
  readonly channel: number;
}

/**
 * One run of a row (`[start, end)`, at most {@link RUN} voxels), in JavaScript: two lanes of sums
 * (lane 0 the even elements of the run, lane 1 the odd ones; an odd tail goes to lane 0), exactly the
 * order of the WebAssembly kernel, written to `lanes` as `[I0, I1, P0, P1, T0, T1]`. Returns false
 * when a value failed the data checks.
 */
function runInJavaScript(data: KernelData, row: Row, start: number, end: number, lanes: Float64Array): boolean {
  const { channels, voxelStride } = data.geometry;
  const input = data.input;
  const sigmoid = data.activation === 'sigmoid';
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
    if (!inputValid(xa, sigmoid) || !inputValid(xb, sigmoid)) bad = true;
    const pa = sigmoid ? sigmoidOf(xa) : xa;
    const pb = sigmoid ? sigmoidOf(xb) : xb;
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
  if (voxel < end) {
    const x = input[index] as number;
    if (!inputValid(x, sigmoid)) bad = true;
    const p = sigmoid ? sigmoidOf(x) : x;
    const t = targetOf(data, index, row.labelBase + voxel, row.channel, channels);
    if (t < 0) bad = true;
    i0 += p * t;
    p0 += p;
    t0 += t;
  }
  lanes[0] = i0;
  lanes[1] = i1;
  lanes[2] = p0;
  lanes[3] = p1;
  lanes[4] = t0;
  lanes[5] = t1;
  return !bad;
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
function targetOf(data: KernelData, index: number, voxelIndex: number, channel: number, channels: number): number {
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

/** Whether the WebAssembly kernel can run this call: float32 input and dense target, contiguous rows. */
function wasmApplies(data: KernelData, choice: KernelChoice): WasmKernel | null {
  if (choice !== 'auto' || data.activation === 'softmax') return null;
  if (!(data.input instanceof Float32Array) || !(data.dense instanceof Float32Array) || data.geometry.voxelStride !== 1) return null;
  return wasmKernel();
}

/**
 * Statistics of every `(n, c)` straight from the caller's arrays: read `x` (and `t`), check them,
 * activate, accumulate `I`, `P`, `T`, all in one loop, in runs of {@link RUN} voxels whose two-lane
 * sums are flushed into float64 totals. With float32 input and target the runs go through the
 * WebAssembly SIMD kernel (same bits). Returns false when a value failed a check.
 */
export function directStatistics(data: KernelData, statistics: PairStatistics, choice: KernelChoice = 'auto'): boolean {
  if (data.activation === 'softmax') return directSoftmaxStatistics(data, statistics);
  const { batch, channels, voxels, channelStride, sampleStride } = data.geometry;
  const wasm = wasmApplies(data, choice);
  const lanes = new Float64Array(6);
  const tail = new Float64Array(6);
  let valid = true;
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
          wasm.floats.set((data.dense as Float32Array).subarray(row.base + chunkStart, row.base + chunkEnd), WASM_LAYOUT.target / 4);
        }
        for (let start = chunkStart; start < chunkEnd; start += RUN) {
          const end = start + RUN < chunkEnd ? start + RUN : chunkEnd;
          if (wasm === null) {
            if (!runInJavaScript(data, row, start, end, lanes)) valid = false;
          } else {
            const pairs = (end - start) >> 1;
            const offset = 4 * (start - chunkStart);
            const forward = data.activation === 'sigmoid' ? wasm.forwardSigmoid : wasm.forwardProbability;
            if (forward(WASM_LAYOUT.input + offset, WASM_LAYOUT.target + offset, pairs) !== 0) valid = false;
            lanes.set(wasm.doubles.subarray(WASM_LAYOUT.result / 8, WASM_LAYOUT.result / 8 + 6));
            // The layout in memory is [I0, I1, P0, P1, T0, T1], the same as runInJavaScript's.
            if (((end - start) & 1) === 1) {
              if (!runInJavaScript(data, row, end - 1, end, tail)) valid = false;
              lanes[0] = (lanes[0] as number) + (tail[0] as number);
              lanes[2] = (lanes[2] as number) + (tail[2] as number);
              lanes[4] = (lanes[4] as number) + (tail[4] as number);
            }
          }
          intersection += (lanes[0] as number) + (lanes[1] as number);
          prediction += (lanes[2] as number) + (lanes[3] as number);
          target += (lanes[4] as number) + (lanes[5] as number);
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
function gradientElement(sigmoid: boolean, x: number, t: number, constant: number, slope: number): number {
  const g = constant + slope * t;
  if (!sigmoid) return g;
  const e = fastExp(-Math.abs(x));
  const r = 1 / (1 + e);
  // σ(x)·σ(-x) = r · e·r whichever sign x has.
  return g * (r * (e * r));
}

/**
 * The gradient straight into the caller's buffer: `dL/dx = (constant + target·t) · σ(x)σ(-x)` (or
 * without the activation factor for probabilities), one loop, nothing allocated. Float32 input, target
 * and buffer go through the WebAssembly SIMD kernel (same bits).
 */
export function directGradient(data: KernelData, coefficients: ElementwiseCoefficients, output: FloatArray, choice: KernelChoice = 'auto'): void {
  if (data.activation === 'softmax') {
    directSoftmaxGradient(data, coefficients, output);
    return;
  }
  const { batch, channels, voxels, channelStride, voxelStride, sampleStride } = data.geometry;
  const input = data.input;
  const dense = data.dense;
  const labels = data.labels;
  const sigmoid = data.activation === 'sigmoid';
  const binaryLabels = channels === 1;
  const wasm = output instanceof Float32Array ? wasmApplies(data, choice) : null;
  for (let sample = 0; sample < batch; sample++) {
    for (let channel = 0; channel < channels; channel++) {
      const pair = sample * channels + channel;
      // `prediction` and `sign` coefficients are 0 for plain sums: 0·p adds nothing for finite p.
      const constant = coefficients.constant[pair] as number;
      const slope = coefficients.target[pair] as number;
      const base = sample * sampleStride + channel * channelStride;
      if (wasm !== null) {
        const backward = sigmoid ? wasm.backwardSigmoid : wasm.backwardProbability;
        for (let start = 0; start < voxels; start += WASM_LAYOUT.chunkElements) {
          const end = Math.min(voxels, start + WASM_LAYOUT.chunkElements);
          wasm.floats.set((input as Float32Array).subarray(base + start, base + end), WASM_LAYOUT.input / 4);
          wasm.floats.set((dense as Float32Array).subarray(base + start, base + end), WASM_LAYOUT.target / 4);
          const pairs = (end - start) >> 1;
          backward(WASM_LAYOUT.input, WASM_LAYOUT.target, WASM_LAYOUT.gradient, pairs, constant, slope);
          output.set(wasm.floats.subarray(WASM_LAYOUT.gradient / 4, WASM_LAYOUT.gradient / 4 + 2 * pairs), base + start);
          if (((end - start) & 1) === 1) {
            const index = base + end - 1;
            output[index] = gradientElement(sigmoid, input[index] as number, (dense as Float32Array)[index] as number, constant, slope);
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
