import type { ElementType } from './element-type.js';

/**
 * Where and how the voxels of an uncompressed volume file are stored: enough to read all of it or
 * any slab of it with positioned reads.
 */
export interface VolumeHeader {
  readonly format: 'nifti1' | 'nifti2' | 'npy';
  /** Axis sizes in storage order of the file (NIfTI: x, y, z, ...; npy: the array's shape). */
  readonly shape: readonly number[];
  readonly elementType: ElementType;
  readonly littleEndian: boolean;
  /** Byte offset of the first voxel. */
  readonly dataOffset: number;
  /** npy `fortran_order`: the data are column-major (the first axis varies fastest). */
  readonly fortranOrder: boolean;
  /** Volume of one voxel in millilitres, or null when the file carries no usable spacing. */
  readonly voxelVolumeMl: number | null;
  /** NIfTI `scl_slope`/`scl_inter`, when they change the values (slope not 0 or 1, or intercept not 0). */
  readonly scaling: { readonly slope: number; readonly intercept: number } | null;
}

/** Number of voxels a header describes: the product of its shape. */
export function headerVoxels(header: Pick<VolumeHeader, 'shape'>): number {
  return header.shape.reduce((product, size) => product * size, 1);
}
