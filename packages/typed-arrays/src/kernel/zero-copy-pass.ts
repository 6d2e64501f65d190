import type { ElementwiseCoefficients } from '@dicekit/core';
import { allocateScratch, kernelAddress, releaseScratch } from '../memory/kernel-memory.js';
import { runItems } from '../threads/kernel-threads.js';
import { directKernelName, JOB_FIELDS } from '../wasm/driver-source.js';
import { MEMORY_LAYOUT, type KernelTarget } from '../wasm/layout.js';
import type { WasmKernel } from '../wasm/wasm-kernel.js';
import type { FloatArray, KernelData } from './kernel-data.js';

/**
 * Where the arrays of a call sit in kernel memory (`kernelMemory()`), when the input and the target
 * both do: the kernels then read them in place (no copy into their memory) and the drivers split the
 * work over the thread pool.
 */
export interface ZeroCopyPlan {
  readonly wasm: WasmKernel;
  readonly target: KernelTarget;
  readonly input: number;
  readonly targetAddress: number;
  /** Bytes per voxel of the target (4 float32 or int32, 1 uint8). */
  readonly targetVoxelBytes: number;
}

/**
 * The plan when `data`'s float32 input and its target (a float32 dense target, or a uint8 / int32
 * label map) live in kernel memory; null otherwise (the copying path runs).
 */
export function zeroCopyPlan(data: KernelData, wasm: WasmKernel | null): ZeroCopyPlan | null {
  if (wasm === null || !(data.input instanceof Float32Array)) return null;
  const input = kernelAddress(data.input);
  if (input < 0) return null;
  const target = data.labels ?? data.dense;
  if (target === null || !ArrayBuffer.isView(target)) return null;
  const targetAddress = kernelAddress(target);
  if (targetAddress < 0) return null;
  if (data.labels === null) return data.dense instanceof Float32Array ? { wasm, target: 'dense', input, targetAddress, targetVoxelBytes: 4 } : null;
  if (data.labels instanceof Uint8Array) return { wasm, target: 'labels8', input, targetAddress, targetVoxelBytes: 1 };
  if (data.labels instanceof Int32Array) return { wasm, target: 'labels', input, targetAddress, targetVoxelBytes: 4 };
  return null;
}

/** The job block's fields (see `JOB_FIELDS`). */
export type JobFields = Record<keyof typeof JOB_FIELDS, number>;

/**
 * The float64 `[constant, slope]` of every pair `(n, c)` in kernel scratch memory (the backward
 * drivers' `coefficients`); release it with `releaseScratch`.
 */
export function coefficientTable(wasm: WasmKernel, coefficients: ElementwiseCoefficients): number {
  const pairs = coefficients.constant.length;
  const table = allocateScratch(16 * pairs);
  const values = new Float64Array(wasm.memory.buffer, table, 2 * pairs);
  for (let pair = 0; pair < pairs; pair++) {
    values[2 * pair] = coefficients.constant[pair] as number;
    values[2 * pair + 1] = coefficients.target[pair] as number;
  }
  return table;
}

/** How many in-place jobs ran in this process (the tests check that the in-place path was taken). */
export const inPlaceJobs = { count: 0 };

/** Writes the job block the drivers read. */
export function writeJob(wasm: WasmKernel, fields: JobFields): void {
  inPlaceJobs.count++;
  const words = new Int32Array(wasm.memory.buffer, MEMORY_LAYOUT.job, 16);
  for (const [name, offset] of Object.entries(JOB_FIELDS)) words[offset / 4] = fields[name as keyof typeof JOB_FIELDS];
}

/** The job of the direct kernels: one item per run of `runVoxels` voxels of each channels-first row. */
function directJob(data: KernelData, plan: ZeroCopyPlan, runVoxels: number, extra: { gradient: number; results: number; coefficients: number }): JobFields {
  const { voxels, channels, sampleStride, channelStride } = data.geometry;
  const labels = data.labels !== null;
  return {
    input: plan.input,
    target: plan.targetAddress,
    gradient: extra.gradient,
    results: extra.results,
    coefficients: extra.coefficients,
    voxels,
    channels,
    itemVoxels: runVoxels,
    itemsPerRow: Math.ceil(voxels / runVoxels),
    inputSampleBytes: 4 * sampleStride,
    inputChannelBytes: 4 * channelStride,
    targetSampleBytes: labels ? voxels * plan.targetVoxelBytes : 4 * sampleStride,
    targetChannelBytes: labels ? 0 : 4 * channelStride,
    targetVoxelBytes: plan.targetVoxelBytes,
    inputVoxelBytes: 4,
    row: 0,
  };
}

/**
 * The direct kernels' statistics in place: every run's float64 lane sums land in their own slot
 * (`results`, 12 float64 from `offset`), then `combine(pair, run, sums, offset)` adds them in row and run order, exactly as the copying
 * path does, so the bits do not depend on the path or on the thread count. Returns the drivers' `bad`.
 */
export function zeroCopyDirectStatistics(
  data: KernelData,
  plan: ZeroCopyPlan,
  runVoxels: number,
  combine: (pair: number, run: number, sums: Float64Array, offset: number) => void,
): boolean {
  const { batch, channels, voxels } = data.geometry;
  const runs = Math.ceil(voxels / runVoxels);
  const items = batch * channels * runs;
  const results = allocateScratch(items * 96);
  try {
    writeJob(plan.wasm, directJob(data, plan, runVoxels, { gradient: 0, results, coefficients: 0 }));
    const activation = data.activation === 'sigmoid' ? 'sigmoid' : 'probability';
    const bad = runItems(plan.wasm, directKernelName('forward', activation, plan.target), items, batch * channels * voxels);
    const sums = new Float64Array(plan.wasm.memory.buffer, results, items * 12);
    for (let item = 0; item < items; item++) combine(Math.floor(item / runs), item % runs, sums, 12 * item);
    return bad === 0;
  } finally {
    releaseScratch(results);
  }
}

/**
 * The direct kernels' gradient in place into `output` (a Float32Array in kernel memory); the last
 * `voxels mod 4` elements of each row are left to the caller.
 */
export function zeroCopyDirectGradient(data: KernelData, plan: ZeroCopyPlan, runVoxels: number, coefficients: ElementwiseCoefficients, output: FloatArray): boolean {
  const gradient = kernelAddress(output);
  if (!(output instanceof Float32Array) || gradient < 0) return false;
  const { batch, channels, voxels } = data.geometry;
  const pairs = batch * channels;
  const table = coefficientTable(plan.wasm, coefficients);
  try {
    writeJob(plan.wasm, directJob(data, plan, runVoxels, { gradient, results: 0, coefficients: table }));
    const activation = data.activation === 'sigmoid' ? 'sigmoid' : 'probability';
    runItems(plan.wasm, directKernelName('backward', activation, plan.target), pairs * Math.ceil(voxels / runVoxels), pairs * voxels);
    return true;
  } finally {
    releaseScratch(table);
  }
}
