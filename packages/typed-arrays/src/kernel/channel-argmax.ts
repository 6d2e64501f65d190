import type { BlockScratch } from './block-scratch.js';

/**
 * Per voxel of a block, the largest raw value over the channels (`scratch.maximum`) and its channel
 * (`scratch.argmax`, the first wins ties): the shift of a stable softmax and the hard argmax of metrics.
 */
export function channelArgmaxRows(scratch: BlockScratch, count: number): void {
  const { input, size, channels, maximum, argmax } = scratch;
  for (let voxel = 0; voxel < count; voxel++) {
    maximum[voxel] = input[voxel] as number;
    argmax[voxel] = 0;
  }
  for (let channel = 1; channel < channels; channel++) {
    const offset = channel * size;
    for (let voxel = 0; voxel < count; voxel++) {
      const value = input[offset + voxel] as number;
      if (value > (maximum[voxel] as number)) {
        maximum[voxel] = value;
        argmax[voxel] = channel;
      }
    }
  }
}
