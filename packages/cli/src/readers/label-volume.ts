import type { LabelArray } from './element-type.js';

/** A decoded label image or volume. */
export interface LabelVolume {
  /** Axis sizes in the file's storage order (PNG: height, width). */
  readonly shape: readonly number[];
  /** One label per voxel, in storage order (row-major, or column-major when `fortranOrder`). */
  readonly data: LabelArray;
  readonly fortranOrder: boolean;
  /** Millilitres per voxel (NIfTI spacing), null when unknown. */
  readonly voxelVolumeMl: number | null;
  /** Seconds-free description of what was read, for reports (`nifti1 uint8`, `png gray 8-bit`). */
  readonly description: string;
}
