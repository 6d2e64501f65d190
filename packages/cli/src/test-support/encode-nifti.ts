import { gzipSync } from 'node:zlib';

const DATATYPES: Readonly<Record<string, [code: number, bytes: number]>> = {
  uint8: [2, 1],
  int16: [4, 2],
  int32: [8, 4],
  float32: [16, 4],
  float64: [64, 8],
  int8: [256, 1],
  uint16: [512, 2],
};

/** What {@link encodeNifti} writes. */
export interface NiftiImage {
  /** [x, y, z, ...], x fastest in `data`. */
  readonly shape: readonly number[];
  readonly datatype: keyof typeof DATATYPES;
  readonly data: ArrayLike<number>;
  /** Voxel spacing in mm (default 1). */
  readonly spacing?: readonly number[];
  readonly littleEndian?: boolean;
  readonly gzip?: boolean;
  /** Raw `xyzt_units` (default 2: millimetres). */
  readonly units?: number;
  readonly slope?: number;
  readonly intercept?: number;
}

/** Test helper: a single-file NIfTI-1 (`n+1`, vox_offset 352), optionally gzipped. */
export function encodeNifti(image: NiftiImage): Buffer {
  const [code, size] = DATATYPES[image.datatype] as [number, number];
  const little = image.littleEndian ?? true;
  const count = image.shape.reduce((product, axis) => product * axis, 1);
  const out = Buffer.alloc(352 + count * size);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setInt32(0, 348, little);
  view.setInt16(40, image.shape.length, little);
  image.shape.forEach((axis, index) => view.setInt16(42 + index * 2, axis, little));
  for (let index = image.shape.length + 1; index < 8; index++) view.setInt16(40 + index * 2, 1, little);
  view.setInt16(70, code, little);
  view.setInt16(72, size * 8, little);
  view.setFloat32(76, 1, little);
  for (let axis = 0; axis < 7; axis++) view.setFloat32(80 + axis * 4, image.spacing?.[axis] ?? 1, little);
  view.setFloat32(108, 352, little);
  view.setFloat32(112, image.slope ?? 0, little);
  view.setFloat32(116, image.intercept ?? 0, little);
  out[123] = image.units ?? 2;
  out.write('n+1\0', 344, 'latin1');
  if (image.datatype === 'uint8' && image.data instanceof Uint8Array) {
    out.set(image.data.subarray(0, count), 352);
    return image.gzip === true ? gzipSync(out, { level: 1 }) : out;
  }
  for (let index = 0; index < count; index++) {
    const value = image.data[index] as number;
    const offset = 352 + index * size;
    switch (image.datatype) {
      case 'uint8':
        view.setUint8(offset, value);
        break;
      case 'int8':
        view.setInt8(offset, value);
        break;
      case 'int16':
        view.setInt16(offset, value, little);
        break;
      case 'uint16':
        view.setUint16(offset, value, little);
        break;
      case 'int32':
        view.setInt32(offset, value, little);
        break;
      case 'float32':
        view.setFloat32(offset, value, little);
        break;
      default:
        view.setFloat64(offset, value, little);
    }
  }
  return image.gzip === true ? gzipSync(out, { level: 1 }) : out;
}
