import type { ResolvedCommonOptions } from '../options/option-types.js';
import { numberReader, type TensorLike } from '../tensor/tensor.js';
import { inputIndex, type Geometry } from './geometry.js';

/**
 * Reads targets and voxel weights without materialising a one-hot copy of a label map:
 * `target(n, c, v)` is the dense value, or `label == c` (for `C == 1`, the 0/1 label itself);
 * `weight(n, v)` is the mask value, 0 where the label equals `ignoreIndex`.
 */
export interface VoxelAccess {
  target(sample: number, channel: number, voxel: number): number;
  weight(sample: number, voxel: number): number;
}

/** Target and weight readers for a problem (dense or label-map target, optional mask, ignoreIndex). */
export function voxelAccess(
  options: ResolvedCommonOptions,
  geometry: Geometry,
  target: TensorLike,
  mask: TensorLike | null,
): VoxelAccess {
  const readTarget = numberReader(target.data);
  const readMask = mask === null ? null : numberReader(mask.data);
  const { voxels, channels } = geometry;
  const ignoreIndex = options.ignoreIndex;
  const labels = options.targetFormat === 'labels';
  const maskWeight = (sample: number, voxel: number) => (readMask === null ? 1 : readMask(sample * voxels + voxel));
  if (!labels) {
    return {
      target: (sample, channel, voxel) => readTarget(inputIndex(geometry, sample, channel, voxel)),
      weight: maskWeight,
    };
  }
  return {
    target(sample, channel, voxel) {
      const label = readTarget(sample * voxels + voxel);
      if (label === ignoreIndex) return 0;
      if (channels === 1) return label;
      return label === channel ? 1 : 0;
    },
    weight(sample, voxel) {
      if (ignoreIndex !== null && readTarget(sample * voxels + voxel) === ignoreIndex) return 0;
      return maskWeight(sample, voxel);
    },
  };
}
