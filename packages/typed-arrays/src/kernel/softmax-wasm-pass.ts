import type { ElementwiseCoefficients, PairStatistics } from '@dicekit/core';
import { fastExp } from '../math/fast-exp.js';
import { WASM_LAYOUT } from '../wasm/kernel-source.js';
import { SOFTMAX_LAYOUT } from '../wasm/softmax-source.js';
import type { SoftmaxVariant, WasmKernel } from '../wasm/wasm-kernel.js';
import type { FloatArray, KernelData } from './kernel-data.js';
import { allocateScratch, kernelAddress, releaseScratch } from '../memory/kernel-memory.js';
import { postItems, runItems, type PostedItems } from '../threads/kernel-threads.js';
import { runStages, stagedPathApplies, targetKind } from './staged-pass.js';
import { coefficientTable, writeJob, zeroCopyPlan, type JobFields } from './zero-copy-pass.js';

/** How one softmax call maps onto the WebAssembly kernels: its variant and chunk size in voxels. */
export interface SoftmaxPlan {
  readonly wasm: WasmKernel;
  readonly variant: SoftmaxVariant;
  readonly planar: boolean;
  /** Voxels per chunk (a multiple of 4): all channels of a chunk fit the input region. */
  readonly chunkVoxels: number;
}

/**
 * The plan when the SIMD softmax kernels can run `data`: float32 input, a float32 dense target or a
 * label map, 2 to 256 channels, channels-first or channels-last rows (no mask or ignored label: the
 * direct path already excludes them). Null otherwise (the JavaScript kernels run).
 */
export function softmaxPlan(data: KernelData, wasm: WasmKernel | null): SoftmaxPlan | null {
  if (wasm === null || !(data.input instanceof Float32Array)) return null;
  if (data.labels === null && !(data.dense instanceof Float32Array)) return null;
  const { channels, voxelStride, channelStride } = data.geometry;
  if (channels < 2 || channels > SOFTMAX_LAYOUT.maxChannels) return null;
  const planar = voxelStride === 1;
  if (!planar && channelStride !== 1) return null;
  const chunkVoxels = 4 * Math.floor(WASM_LAYOUT.chunkElements / channels / 4);
  return { wasm, variant: `${planar ? 'planar' : 'interleaved'}_${data.labels === null ? 'dense' : 'labels'}`, planar, chunkVoxels };
}

/** Copies the input (and a dense target) of voxels `[start, start + count)` of one sample into the kernel's chunks. */
function copyChunk(data: KernelData, plan: SoftmaxPlan, sample: number, start: number, count: number): void {
  const { channels, voxels, sampleStride, channelStride } = data.geometry;
  const { floats, integers } = plan.wasm;
  const input = data.input as Float32Array;
  const dense = data.dense as Float32Array | null;
  const sampleBase = sample * sampleStride;
  if (plan.planar) {
    for (let channel = 0; channel < channels; channel++) {
      const from = sampleBase + channel * channelStride + start;
      const into = channel * plan.chunkVoxels;
      floats.set(input.subarray(from, from + count), WASM_LAYOUT.input / 4 + into);
      if (dense !== null) floats.set(dense.subarray(from, from + count), WASM_LAYOUT.target / 4 + into);
    }
  } else {
    const from = sampleBase + start * channels;
    floats.set(input.subarray(from, from + count * channels), WASM_LAYOUT.input / 4);
    if (dense !== null) floats.set(dense.subarray(from, from + count * channels), WASM_LAYOUT.target / 4);
  }
  if (data.labels !== null) {
    const from = sample * voxels + start;
    integers.set(data.labels.subarray(from, from + count), SOFTMAX_LAYOUT.labels / 4);
  }
}

/** The target argument of the kernels: the dense chunk or the label chunk. */
function targetPointer(data: KernelData): number {
  return data.labels === null ? WASM_LAYOUT.target : SOFTMAX_LAYOUT.labels;
}

/**
 * One voxel (a chunk's last 0-3) in JavaScript: its probabilities into `p` (float64 `fastExp`), or
 * false when a logit is not finite or its target fails the checks; `t` receives the targets.
 */
function voxelInJavaScript(data: KernelData, sample: number, voxel: number, p: Float64Array, t: Float64Array): boolean {
  const { channels, voxels, sampleStride, channelStride, voxelStride } = data.geometry;
  const base = sample * sampleStride + voxel * voxelStride;
  let maximum = -Infinity;
  let valid = true;
  for (let channel = 0; channel < channels; channel++) {
    const x = data.input[base + channel * channelStride] as number;
    if (x - x !== 0) valid = false;
    if (x > maximum) maximum = x;
  }
  if (!valid) return false;
  let total = 0;
  for (let channel = 0; channel < channels; channel++) {
    const e = fastExp((data.input[base + channel * channelStride] as number) - maximum);
    p[channel] = e;
    total += e;
  }
  const label = data.labels === null ? -1 : (data.labels[sample * voxels + voxel] as number);
  if (data.labels !== null && !((label >>> 0) < channels)) return false;
  for (let channel = 0; channel < channels; channel++) {
    p[channel] = (p[channel] as number) / total;
    const value = data.labels === null ? ((data.dense as Float32Array)[base + channel * channelStride] as number) : label === channel ? 1 : 0;
    if (!(value >= 0 && value <= 1)) valid = false;
    t[channel] = value;
  }
  return valid;
}

/** Adds one chunk's lane sums (`sums[at ..]`, 12 per channel) to the totals `[I, P, T]` per channel as `(l0 + l1) + (l2 + l3)`. */
function foldChunk(sums: Float64Array, at: number, channels: number, totals: Float64Array): void {
  for (let channel = 0; channel < channels; channel++) {
    for (let which = 0; which < 3; which++) {
      const lane = at + 12 * channel + 4 * which;
      totals[3 * channel + which] =
        (totals[3 * channel + which] as number) + ((sums[lane] as number) + (sums[lane + 1] as number) + ((sums[lane + 2] as number) + (sums[lane + 3] as number)));
    }
  }
}

/** The chunk's last 0-3 voxels in JavaScript, added to `tail` (`[I, P, T]` per channel); false when a value failed the checks. */
function tailVoxels(data: KernelData, sample: number, from: number, to: number, p: Float64Array, t: Float64Array, tail: Float64Array): boolean {
  let valid = true;
  for (let voxel = from; voxel < to; voxel++) {
    if (!voxelInJavaScript(data, sample, voxel, p, t)) {
      valid = false;
      continue;
    }
    for (let channel = 0; channel < data.geometry.channels; channel++) {
      tail[3 * channel] = (tail[3 * channel] as number) + (p[channel] as number) * (t[channel] as number);
      tail[3 * channel + 1] = (tail[3 * channel + 1] as number) + (p[channel] as number);
      tail[3 * channel + 2] = (tail[3 * channel + 2] as number) + (t[channel] as number);
    }
  }
  return valid;
}

/** `statistics[n, c] = totals + tail` for one sample. */
function storeSample(statistics: PairStatistics, sample: number, channels: number, totals: Float64Array, tail: Float64Array): void {
  for (let channel = 0; channel < channels; channel++) {
    const pair = sample * channels + channel;
    statistics.intersection[pair] = (totals[3 * channel] as number) + (tail[3 * channel] as number);
    statistics.prediction[pair] = (totals[3 * channel + 1] as number) + (tail[3 * channel + 1] as number);
    statistics.target[pair] = (totals[3 * channel + 2] as number) + (tail[3 * channel + 2] as number);
  }
}

/**
 * Softmax statistics of every `(n, c)` through the SIMD kernels, chunk by chunk: each chunk's float64
 * lane sums are folded into the sample's totals as `(l0 + l1) + (l2 + l3)`, in chunk order, then the
 * JavaScript tail is added. Arrays in kernel memory take the same chunks in place (possibly on several
 * threads), so the bits are the same either way. Returns false when a value failed the data checks.
 */
export function softmaxStatisticsInWasm(data: KernelData, plan: SoftmaxPlan, statistics: PairStatistics): boolean {
  const { batch, channels, voxels } = data.geometry;
  const { wasm, chunkVoxels } = plan;
  const p = new Float64Array(channels);
  const t = new Float64Array(channels);
  const tail = new Float64Array(3 * channels);
  const totals = new Float64Array(3 * channels);
  const chunks = Math.ceil(voxels / chunkVoxels);
  const lastChunkQuads = (voxels - (chunks - 1) * chunkVoxels) >> 2;
  const tailFrom = (chunks - 1) * chunkVoxels + 4 * lastChunkQuads;
  let valid = true;
  const inPlace = zeroCopySoftmax(data, plan);
  if (inPlace !== null) {
    const items = batch * chunks;
    const results = allocateScratch(items * 96 * channels);
    try {
      writeJob(wasm, softmaxJob(data, plan, inPlace, { gradient: 0, results, coefficients: 0 }));
      if (runItems(wasm, `forward_softmax_${inPlace.variant}`, items, batch * channels * voxels) !== 0) valid = false;
      const sums = new Float64Array(wasm.memory.buffer, results, items * 12 * channels);
      for (let sample = 0; sample < batch; sample++) {
        totals.fill(0);
        tail.fill(0);
        for (let chunk = 0; chunk < chunks; chunk++) foldChunk(sums, (sample * chunks + chunk) * 12 * channels, channels, totals);
        if (!tailVoxels(data, sample, tailFrom, voxels, p, t, tail)) valid = false;
        storeSample(statistics, sample, channels, totals, tail);
      }
    } finally {
      releaseScratch(results);
    }
    return valid;
  }
  if (stagedPathApplies(data)) {
    // Ordinary arrays on several threads: staged through kernel memory, chunks folded in order.
    const sampleTotals = new Float64Array(batch * 3 * channels);
    const staged = softmaxStaged(data, plan, false);
    try {
      const bad = runStages(
        {
          stages: staged.stages.length,
          copyIn: staged.copyIn,
          post: (index, slot) => staged.post(index, slot, 0),
          finish: (index, slot) => {
            const stage = staged.stages[index] as SoftmaxStage;
            const [first, last] = staged.itemsOf(stage);
            const sums = new Float64Array(wasm.memory.buffer, (staged.slots[slot] as StagedSlot).results, 12 * channels * (last - first));
            const sampleView = sampleTotals.subarray(3 * channels * stage.sample, 3 * channels * (stage.sample + 1));
            for (let item = first; item < last; item++) foldChunk(sums, 12 * channels * (item - first), channels, sampleView);
          },
        },
        false,
      );
      if (bad !== 0) valid = false;
    } finally {
      staged.release();
    }
    for (let sample = 0; sample < batch; sample++) {
      tail.fill(0);
      if (!tailVoxels(data, sample, tailFrom, voxels, p, t, tail)) valid = false;
      storeSample(statistics, sample, channels, sampleTotals.subarray(3 * channels * sample, 3 * channels * (sample + 1)), tail);
    }
    return valid;
  }
  const forward = wasm.softmaxForward[plan.variant];
  const sums = wasm.doubles;
  const sumsBase = SOFTMAX_LAYOUT.sums / 8;
  for (let sample = 0; sample < batch; sample++) {
    totals.fill(0);
    tail.fill(0);
    for (let start = 0; start < voxels; start += chunkVoxels) {
      const count = Math.min(chunkVoxels, voxels - start);
      copyChunk(data, plan, sample, start, count);
      const quads = count >> 2;
      sums.fill(0, sumsBase, sumsBase + 12 * channels);
      if (forward(WASM_LAYOUT.input, targetPointer(data), quads, channels, 4 * chunkVoxels) !== 0) valid = false;
      foldChunk(sums, sumsBase, channels, totals);
    }
    if (!tailVoxels(data, sample, tailFrom, voxels, p, t, tail)) valid = false;
    storeSample(statistics, sample, channels, totals, tail);
  }
  return valid;
}

/** Elements per softmax stage (whole chunks of all channels of a sample; as the direct path's stages). */
const STAGE_ELEMENTS = 1 << 19;

interface SoftmaxStage {
  readonly sample: number;
  readonly start: number;
  readonly end: number;
}

interface StagedSlot {
  readonly input: number;
  readonly target: number;
  readonly results: number;
  readonly gradient: number;
}

/**
 * The staged softmax of ordinary arrays on several threads (see `staged-pass.ts`): stages of whole
 * chunks of one sample, copied into two slots of kernel memory (planar slots keep one row per channel,
 * `stageVoxels` apart); the items keep the numbering `sample · chunks + chunk` of the whole call.
 */
function softmaxStaged(data: KernelData, plan: SoftmaxPlan, gradient: boolean) {
  const { batch, channels, voxels, sampleStride, channelStride } = data.geometry;
  const { wasm, chunkVoxels, planar } = plan;
  const stageVoxels = chunkVoxels * Math.max(1, Math.floor(STAGE_ELEMENTS / (chunkVoxels * channels)));
  const chunks = Math.ceil(voxels / chunkVoxels);
  const stages: SoftmaxStage[] = [];
  for (let sample = 0; sample < batch; sample++) {
    for (let start = 0; start < voxels; start += stageVoxels) stages.push({ sample, start, end: Math.min(voxels, start + stageVoxels) });
  }
  const inputVoxelBytes = planar ? 4 : 4 * channels;
  const labels = data.labels;
  const targetVoxelBytes = labels === null ? inputVoxelBytes : labels instanceof Uint8Array ? 1 : 4;
  const variant: SoftmaxVariant = `${planar ? 'planar' : 'interleaved'}_${targetKind(data)}`;
  const addresses: number[] = [];
  const allocate = (bytes: number) => {
    const address = allocateScratch(bytes);
    addresses.push(address);
    return address;
  };
  const slots: StagedSlot[] = [0, 1].map(() => ({
    input: allocate(4 * stageVoxels * channels),
    target: allocate(labels === null ? 4 * stageVoxels * channels : 4 * stageVoxels),
    results: gradient ? 0 : allocate(96 * channels * (stageVoxels / chunkVoxels)),
    gradient: gradient ? allocate(4 * stageVoxels * channels) : 0,
  }));
  const itemsOf = (stage: SoftmaxStage): [number, number] => {
    const first = stage.sample * chunks + stage.start / chunkVoxels;
    return [first, first + Math.ceil((stage.end - stage.start) / chunkVoxels)];
  };
  /** Planar: one row per channel, `stageVoxels` apart in the slot; interleaved: the voxels as they are. */
  const rows = (stage: SoftmaxStage, visit: (from: number, into: number, count: number) => void) => {
    const sampleBase = stage.sample * sampleStride;
    const count = stage.end - stage.start;
    if (planar) for (let channel = 0; channel < channels; channel++) visit(sampleBase + channel * channelStride + stage.start, 4 * channel * stageVoxels, count);
    else visit(sampleBase + stage.start * channels, 0, count * channels);
  };
  const buffer = () => wasm.memory.buffer as ArrayBuffer;
  return {
    stages,
    slots,
    itemsOf,
    release: () => addresses.forEach(releaseScratch),
    copyIn(index: number, slot: number): void {
      const stage = stages[index] as SoftmaxStage;
      const into = slots[slot] as StagedSlot;
      rows(stage, (from, offset, count) => {
        new Float32Array(buffer(), into.input + offset, count).set((data.input as Float32Array).subarray(from, from + count));
        if (labels === null) new Float32Array(buffer(), into.target + offset, count).set((data.dense as Float32Array).subarray(from, from + count));
      });
      if (labels !== null) {
        const from = stage.sample * voxels + stage.start;
        const values = labels.subarray(from, from + stage.end - stage.start);
        if (values instanceof Uint8Array) new Uint8Array(buffer(), into.target, values.length).set(values);
        else new Int32Array(buffer(), into.target, values.length).set(values);
      }
    },
    post(index: number, slot: number, coefficients: number): PostedItems {
      const stage = stages[index] as SoftmaxStage;
      const into = slots[slot] as StagedSlot;
      const [first, last] = itemsOf(stage);
      writeJob(wasm, {
        input: (into.input - stage.start * inputVoxelBytes) | 0,
        target: (into.target - stage.start * targetVoxelBytes) | 0,
        gradient: (into.gradient - stage.start * inputVoxelBytes) | 0,
        results: (into.results - first * 96 * channels) | 0,
        coefficients,
        voxels,
        channels,
        itemVoxels: chunkVoxels,
        itemsPerRow: chunks,
        inputSampleBytes: 0,
        inputChannelBytes: 0,
        targetSampleBytes: 0,
        targetChannelBytes: 0,
        targetVoxelBytes,
        inputVoxelBytes,
        row: planar ? 4 * stageVoxels : 0,
      });
      return postItems(wasm, `${gradient ? 'backward' : 'forward'}_softmax_${variant}`, first, last);
    },
    /** The stage's gradient (whole quads of voxels; the sample's last 0-3 voxels are the caller's). */
    copyOut(index: number, slot: number, output: Float32Array): void {
      const stage = stages[index] as SoftmaxStage;
      const quadStage = { ...stage, end: stage.start + 4 * ((stage.end - stage.start) >> 2) };
      rows(quadStage, (to, offset, count) => output.set(new Float32Array(buffer(), (slots[slot] as StagedSlot).gradient + offset, count), to));
    },
  };
}

/** Where a softmax call's arrays sit in kernel memory, with the kernel variant that reads them there. */
interface SoftmaxInPlace {
  readonly variant: SoftmaxVariant;
  readonly input: number;
  readonly target: number;
  readonly targetVoxelBytes: number;
}

function zeroCopySoftmax(data: KernelData, plan: SoftmaxPlan): SoftmaxInPlace | null {
  const inPlace = zeroCopyPlan(data, plan.wasm);
  if (inPlace === null) return null;
  const layout = plan.planar ? 'planar' : 'interleaved';
  const targetVoxelBytes = inPlace.target === 'dense' ? (plan.planar ? 4 : 4 * data.geometry.channels) : inPlace.targetVoxelBytes;
  return { variant: `${layout}_${inPlace.target}`, input: inPlace.input, target: inPlace.targetAddress, targetVoxelBytes };
}

/** The softmax job: one item per chunk of `plan.chunkVoxels` voxels of each sample. */
function softmaxJob(data: KernelData, plan: SoftmaxPlan, inPlace: SoftmaxInPlace, extra: { gradient: number; results: number; coefficients: number }): JobFields {
  const { voxels, channels, sampleStride, channelStride } = data.geometry;
  const labels = data.labels !== null;
  return {
    input: inPlace.input,
    target: inPlace.target,
    gradient: extra.gradient,
    results: extra.results,
    coefficients: extra.coefficients,
    voxels,
    channels,
    itemVoxels: plan.chunkVoxels,
    itemsPerRow: Math.ceil(voxels / plan.chunkVoxels),
    inputSampleBytes: 4 * sampleStride,
    inputChannelBytes: 4 * channelStride,
    targetSampleBytes: labels ? voxels * inPlace.targetVoxelBytes : 4 * sampleStride,
    targetChannelBytes: 0,
    targetVoxelBytes: inPlace.targetVoxelBytes,
    inputVoxelBytes: plan.planar ? 4 : 4 * channels,
    row: plan.planar ? 4 * channelStride : 0,
  };
}

/** The softmax gradient of the last 0-3 voxels of each sample, in JavaScript. */
function gradientTail(data: KernelData, coefficients: ElementwiseCoefficients, output: FloatArray, sample: number, from: number, p: Float64Array, t: Float64Array): void {
  const { channels, voxels, sampleStride, channelStride, voxelStride } = data.geometry;
  const sampleBase = sample * sampleStride;
  for (let voxel = from; voxel < voxels; voxel++) {
    voxelInJavaScript(data, sample, voxel, p, t);
    let dot = 0;
    for (let channel = 0; channel < channels; channel++) {
      const pair = sample * channels + channel;
      dot += ((coefficients.constant[pair] as number) + (coefficients.target[pair] as number) * (t[channel] as number)) * (p[channel] as number);
    }
    for (let channel = 0; channel < channels; channel++) {
      const pair = sample * channels + channel;
      const g = (coefficients.constant[pair] as number) + (coefficients.target[pair] as number) * (t[channel] as number);
      output[sampleBase + voxel * voxelStride + channel * channelStride] = (p[channel] as number) * (g - dot);
    }
  }
}

/**
 * The softmax gradient `dx_c = p_c (g_c - Σ_j g_j p_j)`, `g_c = constant_c + target_c·t_c`, through the
 * SIMD kernels into a float32 `output` (the chunk's last 0-3 voxels in JavaScript). The data were
 * checked by the statistics pass.
 */
export function softmaxGradientInWasm(data: KernelData, plan: SoftmaxPlan, coefficients: ElementwiseCoefficients, output: FloatArray): void {
  const { batch, channels, voxels, sampleStride, channelStride } = data.geometry;
  const { wasm, chunkVoxels } = plan;
  const p = new Float64Array(channels);
  const t = new Float64Array(channels);
  const chunks = Math.ceil(voxels / chunkVoxels);
  const tailFrom = (chunks - 1) * chunkVoxels + 4 * ((voxels - (chunks - 1) * chunkVoxels) >> 2);
  const inPlace = zeroCopySoftmax(data, plan);
  const gradient = kernelAddress(output);
  if (inPlace !== null && output instanceof Float32Array && gradient >= 0) {
    const table = coefficientTable(wasm, coefficients);
    try {
      writeJob(wasm, softmaxJob(data, plan, inPlace, { gradient, results: 0, coefficients: table }));
      runItems(wasm, `backward_softmax_${inPlace.variant}`, batch * chunks, batch * channels * voxels);
    } finally {
      releaseScratch(table);
    }
    for (let sample = 0; sample < batch; sample++) gradientTail(data, coefficients, output, sample, tailFrom, p, t);
    return;
  }
  if (output instanceof Float32Array && stagedPathApplies(data)) {
    const staged = softmaxStaged(data, plan, true);
    const table = coefficientTable(wasm, coefficients);
    try {
      runStages(
        {
          stages: staged.stages.length,
          copyIn: staged.copyIn,
          post: (index, slot) => staged.post(index, slot, table),
          finish: (index, slot) => staged.copyOut(index, slot, output),
        },
        true,
      );
    } finally {
      staged.release();
      releaseScratch(table);
    }
    for (let sample = 0; sample < batch; sample++) gradientTail(data, coefficients, output, sample, tailFrom, p, t);
    return;
  }
  const backward = wasm.softmaxBackward[plan.variant];
  const { doubles, floats } = wasm;
  const coefficientBase = SOFTMAX_LAYOUT.coefficients / 8;
  for (let sample = 0; sample < batch; sample++) {
    for (let channel = 0; channel < channels; channel++) {
      doubles[coefficientBase + 2 * channel] = coefficients.constant[sample * channels + channel] as number;
      doubles[coefficientBase + 2 * channel + 1] = coefficients.target[sample * channels + channel] as number;
    }
    const sampleBase = sample * sampleStride;
    for (let start = 0; start < voxels; start += chunkVoxels) {
      const count = Math.min(chunkVoxels, voxels - start);
      copyChunk(data, plan, sample, start, count);
      const quads = count >> 2;
      backward(WASM_LAYOUT.input, targetPointer(data), WASM_LAYOUT.gradient, quads, channels, 4 * chunkVoxels);
      const gradientBase = WASM_LAYOUT.gradient / 4;
      if (plan.planar) {
        for (let channel = 0; channel < channels; channel++) {
          const from = gradientBase + channel * chunkVoxels;
          output.set(floats.subarray(from, from + 4 * quads), sampleBase + channel * channelStride + start);
        }
      } else {
        output.set(floats.subarray(gradientBase, gradientBase + 4 * quads * channels), sampleBase + start * channels);
      }
    }
    gradientTail(data, coefficients, output, sample, tailFrom, p, t);
  }
}
