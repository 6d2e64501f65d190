import { DiceKitError } from '@dicekit/core';

/** The element types a label volume may be stored in (NIfTI datatypes, npy descriptors, PNG samples). */
export type ElementType = 'bool' | 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'uint64' | 'int64' | 'float32' | 'float64';

/**
 * An array of labels as decoded: the native type when it can be viewed without a copy, 64-bit
 * integers as Float64Array (exact up to 2^53, far beyond any label value).
 */
export type LabelArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

/** Bytes per element of each {@link ElementType}. */
export const ELEMENT_BYTES: Readonly<Record<ElementType, number>> = {
  bool: 1,
  uint8: 1,
  int8: 1,
  uint16: 2,
  int16: 2,
  uint32: 4,
  int32: 4,
  uint64: 8,
  int64: 8,
  float32: 4,
  float64: 8,
};

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

type ViewConstructor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => LabelArray;

const VIEW: Partial<Record<ElementType, ViewConstructor>> = {
  bool: Uint8Array,
  uint8: Uint8Array,
  int8: Int8Array,
  uint16: Uint16Array,
  int16: Int16Array,
  uint32: Uint32Array,
  int32: Int32Array,
  float32: Float32Array,
  float64: Float64Array,
};

/**
 * Interprets `count` elements of `type` at the start of `bytes` as a label array. Zero-copy when the
 * byte order is the host's and the offset is aligned (the usual case: NIfTI `vox_offset` 352, npy
 * headers padded to 64 bytes); otherwise the values are copied through a DataView. `bytes` is never
 * modified.
 */
export function viewElements(bytes: Uint8Array, type: ElementType, littleEndian: boolean, count: number): LabelArray {
  const size = ELEMENT_BYTES[type];
  if (bytes.byteLength < count * size) {
    throw new DiceKitError('E_SHAPE', `the data hold ${bytes.byteLength} bytes, fewer than the ${count} × ${size} bytes the header announces (truncated file?)`);
  }
  const View = VIEW[type];
  if (View !== undefined && (size === 1 || (littleEndian === HOST_LITTLE_ENDIAN && bytes.byteOffset % size === 0))) {
    return new View(bytes.buffer, bytes.byteOffset, count);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, count * size);
  switch (type) {
    case 'uint16': {
      const out = new Uint16Array(count);
      for (let index = 0; index < count; index++) out[index] = view.getUint16(index * 2, littleEndian);
      return out;
    }
    case 'int16': {
      const out = new Int16Array(count);
      for (let index = 0; index < count; index++) out[index] = view.getInt16(index * 2, littleEndian);
      return out;
    }
    case 'uint32': {
      const out = new Uint32Array(count);
      for (let index = 0; index < count; index++) out[index] = view.getUint32(index * 4, littleEndian);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let index = 0; index < count; index++) out[index] = view.getInt32(index * 4, littleEndian);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let index = 0; index < count; index++) out[index] = view.getFloat32(index * 4, littleEndian);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let index = 0; index < count; index++) out[index] = view.getFloat64(index * 8, littleEndian);
      return out;
    }
    case 'uint64': {
      const out = new Float64Array(count);
      for (let index = 0; index < count; index++) out[index] = Number(view.getBigUint64(index * 8, littleEndian));
      return out;
    }
    case 'int64': {
      const out = new Float64Array(count);
      for (let index = 0; index < count; index++) out[index] = Number(view.getBigInt64(index * 8, littleEndian));
      return out;
    }
    default:
      throw new DiceKitError('E_DTYPE', `cannot read elements of type ${type}`);
  }
}
