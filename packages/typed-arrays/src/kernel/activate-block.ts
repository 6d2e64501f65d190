import type { Activation } from '@dicekit/core';
import { fastExp } from '../math/fast-exp.js';
import type { BlockScratch } from './block-scratch.js';
import { channelArgmaxRows } from './channel-argmax.js';

/**
 * `p = σ(x)` and `q = 1 - p = σ(-x)` for `count` values of every channel row, both without
 * cancellation: with `e = e^{-|x|}` and `r = 1 / (1 + e)`, the larger of the two is `r` and the
 * smaller `e·r`.
 */
function sigmoidRows(scratch: BlockScratch, count: number): void {
  const { input, probability, complement, size, channels } = scratch;
  for (let channel = 0; channel < channels; channel++) {
    const end = channel * size + count;
    for (let index = channel * size; index < end; index++) {
      const x = input[index] as number;
      const e = fastExp(-Math.abs(x));
      const r = 1 / (1 + e);
      const small = e * r;
      if (x >= 0) {
        probability[index] = r;
        complement[index] = small;
      } else {
        probability[index] = small;
        complement[index] = r;
      }
    }
  }
}

/**
 * Softmax over the channels of every voxel, stably: `p_c = e^{x_c - max} / (1 + rest)` with
 * `rest = Σ_{c ≠ argmax} e^{x_c - max}` (the argmax term is exactly 1). Keeps `max`, `argmax` and
 * `rest` per voxel for the exact log-softmax `x_c - max - log1p(rest)` of the compound terms.
 */
function softmaxRows(scratch: BlockScratch, count: number, withComplement: boolean): void {
  const { input, probability, complement, size, channels, maximum, argmax, rest } = scratch;
  channelArgmaxRows(scratch, count);
  rest.fill(0, 0, count);
  for (let channel = 0; channel < channels; channel++) {
    const offset = channel * size;
    for (let voxel = 0; voxel < count; voxel++) {
      const shifted = fastExp((input[offset + voxel] as number) - (maximum[voxel] as number));
      probability[offset + voxel] = shifted;
      if (argmax[voxel] !== channel) rest[voxel] = (rest[voxel] as number) + shifted;
    }
  }
  // The per-voxel reciprocal goes into `dot`, free until the gradient needs it.
  const reciprocal = scratch.dot;
  for (let voxel = 0; voxel < count; voxel++) reciprocal[voxel] = 1 / (1 + (rest[voxel] as number));
  for (let channel = 0; channel < channels; channel++) {
    const offset = channel * size;
    for (let voxel = 0; voxel < count; voxel++) {
      const shifted = probability[offset + voxel] as number;
      const inverse = reciprocal[voxel] as number;
      probability[offset + voxel] = shifted * inverse;
      if (withComplement) {
        // 1 - p without cancellation: the other channels' mass.
        complement[offset + voxel] =
          argmax[voxel] === channel ? (rest[voxel] as number) * inverse : (1 + (rest[voxel] as number) - shifted) * inverse;
      }
    }
  }
}

/**
 * Applies the activation to the loaded block and returns the array holding `p` (the raw input itself
 * for `'none'`). `complement` is filled for sigmoid always, for softmax when `withComplement`.
 */
export function activateBlock(activation: Activation, scratch: BlockScratch, count: number, withComplement: boolean): Float64Array {
  if (activation === 'none') return scratch.input;
  if (activation === 'sigmoid') sigmoidRows(scratch, count);
  else softmaxRows(scratch, count, withComplement);
  return scratch.probability;
}
