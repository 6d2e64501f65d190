import type { BlockScratch } from './block-scratch.js';
import type { FloatArray, KernelData, WeightArray } from './kernel-data.js';

/** Copies `count` values of every channel of one sample, starting at voxel `start`, into `into`. */
function gatherChannels(
  source: FloatArray | WeightArray,
  into: Float64Array,
  data: KernelData,
  sample: number,
  start: number,
  count: number,
  size: number,
): void {
  const { channels, channelStride, sampleStride, layout } = data.geometry;
  const base = sample * sampleStride;
  if (layout === 'channels-first') {
    // One contiguous run per channel: the engine's native copy converts float32 to float64.
    for (let channel = 0; channel < channels; channel++) {
      const offset = base + channel * channelStride + start;
      into.set(source.subarray(offset, offset + count), channel * size);
    }
    return;
  }
  let index = base + start * channels;
  for (let voxel = 0; voxel < count; voxel++) {
    for (let channel = 0; channel < channels; channel++) into[channel * size + voxel] = source[index++] as number;
  }
}

/** True when every raw input value of the block is finite (and in [0, 1] for probabilities). */
function inputValid(values: Float64Array, length: number, probabilities: boolean): boolean {
  let valid = true;
  if (probabilities) {
    for (let index = 0; index < length; index++) {
      const value = values[index] as number;
      if (!(value >= 0 && value <= 1)) valid = false;
    }
  } else {
    for (let index = 0; index < length; index++) {
      const value = values[index] as number;
      // x - x is NaN exactly for NaN and ±Infinity.
      if (value - value !== 0) valid = false;
    }
  }
  return valid;
}

/**
 * Loads the block `[start, start + count)` of `sample`: raw inputs, targets (dense values, or the label
 * map made one-hot for this block only) and, when the call is weighted, the voxel weights.
 * With `check`, also runs the data checks of SPEC.md section 7 on the loaded values and returns false
 * when one fails (the caller then lets core raise the exact error).
 */
export function loadBlock(data: KernelData, scratch: BlockScratch, sample: number, start: number, count: number, check: boolean): boolean {
  const { channels, voxels } = data.geometry;
  const size = scratch.size;
  const elements = channels * size;
  let valid = true;
  gatherChannels(data.input, scratch.input, data, sample, start, count, size);
  if (check) {
    // Rows past `count` hold stale values of an earlier block, already checked.
    for (let channel = 0; channel < channels; channel++) {
      const row = scratch.input.subarray(channel * size, channel * size + count);
      if (!inputValid(row, count, data.activation === 'none')) valid = false;
    }
  }
  const target = scratch.target;
  const weight = scratch.weight;
  const voxelBase = sample * voxels + start;
  const mask = data.mask;
  if (data.dense !== null) {
    gatherChannels(data.dense, target, data, sample, start, count, size);
    if (check) {
      for (let channel = 0; channel < channels; channel++) {
        const offset = channel * size;
        for (let voxel = 0; voxel < count; voxel++) {
          const value = target[offset + voxel] as number;
          if (!(value >= 0 && value <= 1)) valid = false;
        }
      }
    }
    if (mask !== null) for (let voxel = 0; voxel < count; voxel++) weight[voxel] = mask[voxelBase + voxel] as number;
  } else {
    const labels = data.labels as NonNullable<KernelData['labels']>;
    const ignore = data.ignoreIndex;
    if (channels === 1) {
      // C = 1: the label is the binary target itself.
      for (let voxel = 0; voxel < count; voxel++) {
        const label = labels[voxelBase + voxel] as number;
        if (label === ignore) {
          target[voxel] = 0;
          weight[voxel] = 0;
          continue;
        }
        if (check && (label >>> 0) >= 2) valid = false;
        target[voxel] = label;
        if (ignore !== null) weight[voxel] = mask === null ? 1 : (mask[voxelBase + voxel] as number);
      }
      if (ignore === null && mask !== null) for (let voxel = 0; voxel < count; voxel++) weight[voxel] = mask[voxelBase + voxel] as number;
    } else {
      target.fill(0, 0, elements);
      for (let voxel = 0; voxel < count; voxel++) {
        const label = labels[voxelBase + voxel] as number;
        if (label === ignore) {
          weight[voxel] = 0;
          continue;
        }
        // Unsigned comparison: negative labels become huge and fail too.
        if ((label >>> 0) >= channels) {
          valid = false;
          continue;
        }
        target[label * size + voxel] = 1;
        if (ignore !== null) weight[voxel] = mask === null ? 1 : (mask[voxelBase + voxel] as number);
      }
      if (ignore === null && mask !== null) for (let voxel = 0; voxel < count; voxel++) weight[voxel] = mask[voxelBase + voxel] as number;
    }
  }
  if (check && mask !== null) {
    for (let voxel = 0; voxel < count; voxel++) {
      const value = mask[voxelBase + voxel] as number;
      if (!(value >= 0 && value < Infinity)) valid = false;
    }
  }
  return valid;
}
