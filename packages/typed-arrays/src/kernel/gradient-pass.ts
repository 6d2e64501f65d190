import type { ElementwiseCoefficients, StatisticsKind } from '@dicekit/core';
import { activateBlock } from './activate-block.js';
import { BlockScratch } from './block-scratch.js';
import { compoundBlock, type CompoundSettings } from './compound-block.js';
import type { FloatArray, KernelData } from './kernel-data.js';
import { loadBlock } from './load-block.js';

/** The compound term's part of the gradient: its constants and `scale / normaliser`. */
export interface CompoundGradient {
  readonly settings: CompoundSettings;
  readonly factor: number;
}

/** `dL/dp = w · (constant + target·t + prediction·p + sign·sgn(p - t))` for one channel row. */
function diceRow(
  probability: Float64Array,
  target: Float64Array,
  weight: Float64Array | null,
  gradient: Float64Array,
  offset: number,
  count: number,
  constant: number,
  targetCoefficient: number,
  predictionCoefficient: number,
  signCoefficient: number,
  kind: StatisticsKind,
): void {
  const end = offset + count;
  if (kind.absoluteDifference) {
    for (let index = offset, voxel = 0; index < end; index++, voxel++) {
      const p = probability[index] as number;
      const t = target[index] as number;
      const difference = p - t;
      const sign = difference > 0 ? 1 : difference < 0 ? -1 : 0;
      const value = constant + targetCoefficient * t + predictionCoefficient * p + signCoefficient * sign;
      gradient[index] = weight === null ? value : (weight[voxel] as number) * value;
    }
  } else if (weight === null) {
    for (let index = offset; index < end; index++) {
      gradient[index] = constant + targetCoefficient * (target[index] as number) + predictionCoefficient * (probability[index] as number);
    }
  } else {
    for (let index = offset, voxel = 0; index < end; index++, voxel++) {
      gradient[index] =
        (weight[voxel] as number) *
        (constant + targetCoefficient * (target[index] as number) + predictionCoefficient * (probability[index] as number));
    }
  }
}

/** Writes the block's gradient rows into the caller's buffer (in the input's layout). */
function scatterBlock(data: KernelData, block: Float64Array, output: FloatArray, sample: number, start: number, count: number, size: number): void {
  const { channels, channelStride, sampleStride, layout } = data.geometry;
  const base = sample * sampleStride;
  if (layout === 'channels-first') {
    for (let channel = 0; channel < channels; channel++) {
      output.set(block.subarray(channel * size, channel * size + count), base + channel * channelStride + start);
    }
    return;
  }
  let index = base + start * channels;
  for (let voxel = 0; voxel < count; voxel++) {
    for (let channel = 0; channel < channels; channel++) output[index++] = block[channel * size + voxel] as number;
  }
}

/**
 * The single fused gradient pass: reloads each block, re-applies the activation, evaluates the Dice
 * term's elementwise gradient from core's coefficients, runs the activation backward (sigmoid:
 * `· σ(x)σ(-x)`; softmax: `p_k (g_k - Σ_j g_j p_j)`), adds the compound term's gradient and writes
 * `d loss / d input` into `output` (every element is written; nothing is read from it).
 */
export function gradientPass(
  data: KernelData,
  kind: StatisticsKind,
  coefficients: ElementwiseCoefficients,
  compound: CompoundGradient | null,
  output: FloatArray,
  scratch: BlockScratch = new BlockScratch(data.geometry.channels),
): void {
  const { batch, channels, voxels } = data.geometry;
  const size = scratch.size;
  const weight = data.weighted ? scratch.weight : null;
  const gradient = scratch.gradient;
  const sums = new Float64Array(2);
  for (let sample = 0; sample < batch; sample++) {
    for (let start = 0; start < voxels; start += size) {
      const count = Math.min(size, voxels - start);
      loadBlock(data, scratch, sample, start, count, false);
      const probability = activateBlock(data.activation, scratch, count, compound !== null);
      for (let channel = 0; channel < channels; channel++) {
        const pair = sample * channels + channel;
        diceRow(
          probability,
          scratch.target,
          weight,
          gradient,
          channel * size,
          count,
          coefficients.constant[pair] as number,
          coefficients.target[pair] as number,
          coefficients.prediction[pair] as number,
          coefficients.sign[pair] as number,
          kind,
        );
      }
      if (data.activation === 'sigmoid') {
        const complement = scratch.complement;
        for (let channel = 0; channel < channels; channel++) {
          const end = channel * size + count;
          for (let index = channel * size; index < end; index++) {
            gradient[index] = (gradient[index] as number) * ((probability[index] as number) * (complement[index] as number));
          }
        }
      } else if (data.activation === 'softmax') {
        const dot = scratch.dot;
        dot.fill(0, 0, count);
        for (let channel = 0; channel < channels; channel++) {
          const offset = channel * size;
          for (let voxel = 0; voxel < count; voxel++) {
            dot[voxel] = (dot[voxel] as number) + (gradient[offset + voxel] as number) * (probability[offset + voxel] as number);
          }
        }
        for (let channel = 0; channel < channels; channel++) {
          const offset = channel * size;
          for (let voxel = 0; voxel < count; voxel++) {
            const index = offset + voxel;
            gradient[index] = (probability[index] as number) * ((gradient[index] as number) - (dot[voxel] as number));
          }
        }
      }
      if (compound !== null) {
        compoundBlock(compound.settings, scratch, count, data.weighted, sums, true);
        const extra = scratch.compoundGradient;
        const factor = compound.factor;
        for (let channel = 0; channel < channels; channel++) {
          const end = channel * size + count;
          for (let index = channel * size; index < end; index++) {
            gradient[index] = factor * (extra[index] as number) + (gradient[index] as number);
          }
        }
      }
      scatterBlock(data, gradient, output, sample, start, count, size);
    }
  }
}
