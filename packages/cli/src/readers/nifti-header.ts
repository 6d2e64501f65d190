import { DiceKitError } from '@dicekit/core';
import type { ElementType } from './element-type.js';
import type { VolumeHeader } from './volume-header.js';

const NIFTI_DATATYPES: ReadonlyMap<number, ElementType> = new Map([
  [1, 'bool'],
  [2, 'uint8'],
  [4, 'int16'],
  [8, 'int32'],
  [16, 'float32'],
  [64, 'float64'],
  [256, 'int8'],
  [512, 'uint16'],
  [768, 'uint32'],
  [1024, 'int64'],
  [1280, 'uint64'],
]);

/** Bytes a NIfTI-1 header needs: 348 plus the 4-byte extension flag. */
export const NIFTI1_HEADER_BYTES = 352;
/** Bytes a NIfTI-2 header needs: 540 plus the 4-byte extension flag. */
export const NIFTI2_HEADER_BYTES = 544;

/** Millimetres per spatial unit of NIfTI `xyzt_units & 7` (0, unknown, is taken as millimetres). */
function millimetresPerUnit(units: number): number {
  const space = units & 0x07;
  if (space === 1) return 1000;
  if (space === 3) return 0.001;
  return 1;
}

function voxelVolume(spacing: readonly number[], dimensions: number, units: number): number | null {
  let product = 1;
  for (let axis = 0; axis < Math.min(dimensions, 3); axis++) {
    const step = Math.abs(spacing[axis] as number);
    if (!Number.isFinite(step) || step === 0) return null;
    product *= step;
  }
  const millimetres = millimetresPerUnit(units);
  return (product * millimetres ** Math.min(dimensions, 3)) / 1000;
}

function elementTypeOf(code: number): ElementType {
  const type = NIFTI_DATATYPES.get(code);
  if (type === undefined) {
    throw new DiceKitError('E_DTYPE', `NIfTI datatype ${code} is not a supported label type (uint8, int8, int16, uint16, int32, uint32, int64, uint64, float32, float64)`);
  }
  return type;
}

/**
 * Parses a NIfTI-1 (348-byte) or NIfTI-2 (540-byte) single-file header: byte order from `sizeof_hdr`,
 * `dim`, `datatype`, `pixdim` (voxel volume in mL, using `xyzt_units`), `vox_offset`, `scl_slope` and
 * `scl_inter`. Refuses the two-file `ni1`/`ni2` form and plain Analyze headers.
 */
export function parseNiftiHeader(bytes: Uint8Array): VolumeHeader {
  if (bytes.byteLength < 348) throw new DiceKitError('E_SHAPE', `NIfTI header truncated: ${bytes.byteLength} bytes, need 348`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = view.getInt32(0, true);
  const big = view.getInt32(0, false);
  if (little === 540 || big === 540) return parseNifti2(view, little === 540);
  if (little !== 348 && big !== 348) {
    throw new DiceKitError('E_DTYPE', `not a NIfTI file: sizeof_hdr is ${little}, expected 348 (NIfTI-1) or 540 (NIfTI-2)`);
  }
  const littleEndian = little === 348;
  const magic = String.fromCharCode(bytes[344] ?? 0, bytes[345] ?? 0, bytes[346] ?? 0);
  if (magic === 'ni1') throw new DiceKitError('E_DTYPE', 'two-file NIfTI (.hdr/.img, magic "ni1") is not supported; convert to .nii');
  if (magic !== 'n+1') throw new DiceKitError('E_DTYPE', `not a NIfTI-1 file: magic ${JSON.stringify(magic)}, expected "n+1"`);
  const dimensions = view.getInt16(40, littleEndian);
  if (dimensions < 1 || dimensions > 7) throw new DiceKitError('E_SHAPE', `NIfTI dim[0] = ${dimensions}, expected 1 to 7`);
  const shape: number[] = [];
  for (let axis = 1; axis <= dimensions; axis++) {
    const size = view.getInt16(40 + axis * 2, littleEndian);
    if (size < 1) throw new DiceKitError('E_SHAPE', `NIfTI dim[${axis}] = ${size}, expected >= 1`);
    shape.push(size);
  }
  const spacing = [1, 2, 3].map((axis) => view.getFloat32(76 + axis * 4, littleEndian));
  const dataOffset = view.getFloat32(108, littleEndian);
  return finish({
    format: 'nifti1',
    shape,
    elementType: elementTypeOf(view.getInt16(70, littleEndian)),
    littleEndian,
    dataOffset: Math.max(352, Math.round(dataOffset)),
    spacing,
    dimensions,
    units: bytes[123] ?? 0,
    slope: view.getFloat32(112, littleEndian),
    intercept: view.getFloat32(116, littleEndian),
  });
}

function parseNifti2(view: DataView, littleEndian: boolean): VolumeHeader {
  if (view.byteLength < 540) throw new DiceKitError('E_SHAPE', `NIfTI-2 header truncated: ${view.byteLength} bytes, need 540`);
  const magic = String.fromCharCode(view.getUint8(4), view.getUint8(5), view.getUint8(6));
  if (magic !== 'n+2') throw new DiceKitError('E_DTYPE', `not a single-file NIfTI-2 file: magic ${JSON.stringify(magic)}, expected "n+2"`);
  const dimensions = Number(view.getBigInt64(16, littleEndian));
  if (dimensions < 1 || dimensions > 7) throw new DiceKitError('E_SHAPE', `NIfTI dim[0] = ${dimensions}, expected 1 to 7`);
  const shape: number[] = [];
  for (let axis = 1; axis <= dimensions; axis++) {
    const size = Number(view.getBigInt64(16 + axis * 8, littleEndian));
    if (size < 1) throw new DiceKitError('E_SHAPE', `NIfTI dim[${axis}] = ${size}, expected >= 1`);
    shape.push(size);
  }
  return finish({
    format: 'nifti2',
    shape,
    elementType: elementTypeOf(view.getInt16(12, littleEndian)),
    littleEndian,
    dataOffset: Math.max(544, Number(view.getBigInt64(168, littleEndian))),
    spacing: [1, 2, 3].map((axis) => view.getFloat64(104 + axis * 8, littleEndian)),
    dimensions,
    units: view.getInt32(500, littleEndian),
    slope: view.getFloat64(176, littleEndian),
    intercept: view.getFloat64(184, littleEndian),
  });
}

function finish(parts: {
  format: 'nifti1' | 'nifti2';
  shape: number[];
  elementType: ElementType;
  littleEndian: boolean;
  dataOffset: number;
  spacing: number[];
  dimensions: number;
  units: number;
  slope: number;
  intercept: number;
}): VolumeHeader {
  // scl_slope 0 means "no scaling" in NIfTI; (1, 0) is the identity.
  const scales = parts.slope !== 0 && Number.isFinite(parts.slope) && (parts.slope !== 1 || (parts.intercept !== 0 && Number.isFinite(parts.intercept)));
  return {
    format: parts.format,
    shape: parts.shape,
    elementType: parts.elementType,
    littleEndian: parts.littleEndian,
    dataOffset: parts.dataOffset,
    // NIfTI stores x fastest: column-major over the shape [x, y, z, ...] (what an npy saved with
    // fortran_order from nibabel's array looks like), so cross-format pairs compare correctly.
    fortranOrder: true,
    voxelVolumeMl: voxelVolume(parts.spacing, parts.dimensions, parts.units),
    scaling: scales ? { slope: parts.slope, intercept: Number.isFinite(parts.intercept) ? parts.intercept : 0 } : null,
  };
}
