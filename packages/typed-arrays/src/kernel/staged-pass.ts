import type { ElementwiseCoefficients } from '@dicekit/core';
import { allocateScratch, kernelHeap, releaseScratch } from '../memory/kernel-memory.js';
import { postItems, splitsCall, type PostedItems } from '../threads/kernel-threads.js';
import { directKernelName } from '../wasm/driver-source.js';
import type { KernelTarget } from '../wasm/layout.js';
import type { WasmKernel } from '../wasm/wasm-kernel.js';
import type { FloatArray, KernelData } from './kernel-data.js';
import { coefficientTable, writeJob, type JobFields } from './zero-copy-pass.js';

/**
 * Ordinary arrays on several threads. Workers cannot read the caller's (non-shared) ArrayBuffers, so
 * the calling thread copies the rows into kernel memory one stage at a time, two stages in flight:
 * while the threads run the kernels on stage k, it copies stage k + 1 in (and, for the gradient, stage
 * k - 1 out), then helps with what is left of stage k. The stages are whole runs of the copying path,
 * and every run sums into its own slot, so the bits are the same as on one thread.
 */

/**
 * Voxels per stage (128 runs, 2 MiB of float32 per array): small enough that a stage's copy is still
 * partly in cache when the kernels read it, large enough that posting it costs little (`pnpm bench`
 * and trials of 2^15-2^20 on shapes B and C).
 */
const STAGE_VOXELS = 1 << 19;

interface Stage {
  readonly pair: number;
  readonly start: number;
  readonly end: number;
}

interface Slot {
  readonly input: number;
  readonly target: number;
  readonly results: number;
}

function stagesOf(data: KernelData): Stage[] {
  const { batch, channels, voxels } = data.geometry;
  const stages: Stage[] = [];
  for (let pair = 0; pair < batch * channels; pair++) {
    for (let start = 0; start < voxels; start += STAGE_VOXELS) stages.push({ pair, start, end: Math.min(voxels, start + STAGE_VOXELS) });
  }
  return stages;
}

/** Whether the staged path takes this call: several threads, a large call, and kernel memory to stage into. */
export function stagedPathApplies(data: KernelData): boolean {
  const { batch, channels, voxels } = data.geometry;
  return splitsCall(batch * channels * voxels) && kernelHeap() !== null;
}

/** Bytes per voxel of the staged target: uint8 labels stay bytes, other label maps become int32. */
function targetVoxelBytes(data: KernelData): number {
  return data.labels instanceof Uint8Array ? 1 : 4;
}

/** Copies stage `stage`'s input (when `withInput`) and target rows into `slot`. */
function copyIn(data: KernelData, wasm: WasmKernel, stage: Stage, slot: Slot, withInput: boolean): void {
  const { channels, voxels, sampleStride, channelStride } = data.geometry;
  const channel = stage.pair % channels;
  const sample = (stage.pair - channel) / channels;
  const base = sample * sampleStride + channel * channelStride;
  const buffer = wasm.memory.buffer;
  const count = stage.end - stage.start;
  if (withInput) new Float32Array(buffer, slot.input, count).set((data.input as Float32Array).subarray(base + stage.start, base + stage.end));
  if (data.labels === null) {
    new Float32Array(buffer, slot.target, count).set((data.dense as Float32Array).subarray(base + stage.start, base + stage.end));
  } else {
    const labels = data.labels.subarray(sample * voxels + stage.start, sample * voxels + stage.end);
    if (labels instanceof Uint8Array) new Uint8Array(buffer, slot.target, count).set(labels);
    else new Int32Array(buffer, slot.target, count).set(labels);
  }
}

/**
 * The job of one stage, in the item numbering of the whole call (`pair · runsPerRow + run`, so the
 * drivers find each row's channel and coefficients): the base addresses are shifted back by the
 * stage's start (32-bit wrap-around), so `base + start · bytes` lands in the slot.
 */
function stageJob(data: KernelData, stage: Stage, slot: Slot, runVoxels: number, gradient: number, coefficients: number): JobFields {
  const { voxels, channels } = data.geometry;
  const bytes = targetVoxelBytes(data);
  const runsPerRow = Math.ceil(voxels / runVoxels);
  const firstItem = stage.pair * runsPerRow + stage.start / runVoxels;
  return {
    input: (slot.input - 4 * stage.start) | 0,
    target: (slot.target - bytes * stage.start) | 0,
    gradient: (gradient - 4 * stage.start) | 0,
    results: (slot.results - 96 * firstItem) | 0,
    coefficients,
    voxels,
    channels,
    itemVoxels: runVoxels,
    itemsPerRow: runsPerRow,
    inputSampleBytes: 0,
    inputChannelBytes: 0,
    targetSampleBytes: 0,
    targetChannelBytes: 0,
    targetVoxelBytes: bytes,
    inputVoxelBytes: 4,
    row: 0,
  };
}

/** What one staged call does per stage, on slot `slot` (0 or 1) of two. */
export interface StagedSteps {
  readonly stages: number;
  /** Copies stage `index`'s rows into the slot. */
  copyIn(index: number, slot: number): void;
  /** Writes the stage's job block and posts its items to the threads. */
  post(index: number, slot: number): PostedItems;
  /** Reads the stage's results out of the slot (sums, or the gradient). */
  finish(index: number, slot: number): void;
}

/**
 * Runs the stages two in flight: while the threads run stage k, the caller copies stage k + 1 in
 * (with `lateFinish`, it first finishes stage k - 1: a gradient is copied out while the next stage
 * runs), then helps with stage k. Returns the OR of the drivers' `bad` flags.
 */
export function runStages(steps: StagedSteps, lateFinish: boolean): number {
  let bad = 0;
  steps.copyIn(0, 0);
  for (let index = 0; index < steps.stages; index++) {
    const posted = steps.post(index, index % 2);
    if (lateFinish && index > 0) steps.finish(index - 1, (index - 1) % 2);
    if (index + 1 < steps.stages) steps.copyIn(index + 1, (index + 1) % 2);
    posted.help();
    bad |= posted.join();
    if (!lateFinish) steps.finish(index, index % 2);
  }
  if (lateFinish) steps.finish(steps.stages - 1, (steps.stages - 1) % 2);
  return bad;
}

/** The item range of a stage. */
function itemsOf(data: KernelData, stage: Stage, runVoxels: number): [number, number] {
  const runsPerRow = Math.ceil(data.geometry.voxels / runVoxels);
  const first = stage.pair * runsPerRow + stage.start / runVoxels;
  return [first, first + Math.ceil((stage.end - stage.start) / runVoxels)];
}

/** The kernel target a staged copy gives: float32 dense, uint8 labels kept as bytes, other label maps as int32. */
export function targetKind(data: KernelData): KernelTarget {
  return data.labels === null ? 'dense' : data.labels instanceof Uint8Array ? 'labels8' : 'labels';
}

/** Two slots of `STAGE_VOXELS` voxels (input, target, per-run sums, and a gradient when asked) in kernel memory. */
function allocateSlots(runVoxels: number, gradient: boolean): { slots: Slot[]; gradients: number[]; release: () => void } {
  const runs = STAGE_VOXELS / runVoxels;
  const addresses: number[] = [];
  const slots: Slot[] = [];
  const gradients: number[] = [];
  for (let index = 0; index < 2; index++) {
    const input = allocateScratch(4 * STAGE_VOXELS);
    const target = allocateScratch(4 * STAGE_VOXELS);
    const results = allocateScratch(96 * runs);
    addresses.push(input, target, results);
    slots.push({ input, target, results });
    if (gradient) {
      const address = allocateScratch(4 * STAGE_VOXELS);
      addresses.push(address);
      gradients.push(address);
    }
  }
  return { slots, gradients, release: () => addresses.forEach(releaseScratch) };
}

/**
 * The direct kernels' statistics over ordinary arrays, staged (see above); `combine(pair, run, sums,
 * offset)` receives every run's float64 lane sums in row and run order. Returns false when a value
 * failed the kernels' checks.
 */
export function stagedDirectStatistics(
  data: KernelData,
  wasm: WasmKernel,
  runVoxels: number,
  combine: (pair: number, run: number, sums: Float64Array, offset: number) => void,
): boolean {
  const stages = stagesOf(data);
  const { slots, release } = allocateSlots(runVoxels, false);
  const activation = data.activation === 'sigmoid' ? 'sigmoid' : 'probability';
  const driver = directKernelName('forward', activation, targetKind(data));
  const runsPerRow = Math.ceil(data.geometry.voxels / runVoxels);
  try {
    const bad = runStages(
      {
        stages: stages.length,
        copyIn: (index, slot) => copyIn(data, wasm, stages[index] as Stage, slots[slot] as Slot, true),
        post: (index, slot) => {
          writeJob(wasm, stageJob(data, stages[index] as Stage, slots[slot] as Slot, runVoxels, 0, 0));
          const [first, last] = itemsOf(data, stages[index] as Stage, runVoxels);
          return postItems(wasm, driver, first, last);
        },
        finish: (index, slot) => {
          const stage = stages[index] as Stage;
          const [first, last] = itemsOf(data, stage, runVoxels);
          const sums = new Float64Array(wasm.memory.buffer, (slots[slot] as Slot).results, 12 * (last - first));
          for (let item = first; item < last; item++) combine(stage.pair, item - stage.pair * runsPerRow, sums, 12 * (item - first));
        },
      },
      false,
    );
    return bad === 0;
  } finally {
    release();
  }
}

/**
 * The direct kernels' gradient over ordinary arrays into `output`, staged: each stage's gradient is
 * written into its slot and copied out while the next stage runs. The last `voxels mod 4` elements of
 * each row are left to the caller.
 */
export function stagedDirectGradient(data: KernelData, wasm: WasmKernel, runVoxels: number, coefficients: ElementwiseCoefficients, output: FloatArray): void {
  const { channels, sampleStride, channelStride, batch } = data.geometry;
  const stages = stagesOf(data);
  const { slots, gradients, release } = allocateSlots(runVoxels, true);
  const pairs = batch * channels;
  const table = coefficientTable(wasm, coefficients);
  const sigmoid = data.activation === 'sigmoid';
  const driver = directKernelName('backward', sigmoid ? 'sigmoid' : 'probability', targetKind(data));
  try {
    runStages(
      {
        stages: stages.length,
        // Probabilities: the gradient depends on the target only, so the input is not copied in.
        copyIn: (index, slot) => copyIn(data, wasm, stages[index] as Stage, slots[slot] as Slot, sigmoid),
        post: (index, slot) => {
          writeJob(wasm, stageJob(data, stages[index] as Stage, slots[slot] as Slot, runVoxels, gradients[slot] as number, table));
          const [first, last] = itemsOf(data, stages[index] as Stage, runVoxels);
          return postItems(wasm, driver, first, last);
        },
        finish: (index, slot) => {
          const stage = stages[index] as Stage;
          const channel = stage.pair % channels;
          const base = ((stage.pair - channel) / channels) * sampleStride + channel * channelStride;
          const quads = (stage.end - stage.start) >> 2;
          output.set(new Float32Array(wasm.memory.buffer, gradients[slot] as number, 4 * quads), base + stage.start);
        },
      },
      true,
    );
  } finally {
    release();
    releaseScratch(table);
  }
}
