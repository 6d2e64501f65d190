import { DiceKitError } from '@dicekit/core';
import type { ElementType } from './element-type.js';
import type { VolumeHeader } from './volume-header.js';

const KINDS: Readonly<Record<string, ElementType>> = {
  b1: 'bool',
  u1: 'uint8',
  i1: 'int8',
  u2: 'uint16',
  i2: 'int16',
  u4: 'uint32',
  i4: 'int32',
  u8: 'uint64',
  i8: 'int64',
  f4: 'float32',
  f8: 'float64',
};

/** Bytes to read to be sure the fixed part of an npy preamble (magic, version, header length) is there. */
export const NPY_PREAMBLE_BYTES = 12;

/** Total header length (preamble + dictionary) of an npy file from its first 12 bytes. */
export function npyHeaderLength(bytes: Uint8Array): number {
  if (bytes.byteLength < 10 || bytes[0] !== 0x93 || String.fromCharCode(...bytes.subarray(1, 6)) !== 'NUMPY') {
    throw new DiceKitError('E_DTYPE', 'not an .npy file (missing the \\x93NUMPY magic)');
  }
  const major = bytes[6] as number;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major === 1) return 10 + view.getUint16(8, true);
  if (major === 2 || major === 3) {
    if (bytes.byteLength < 12) throw new DiceKitError('E_SHAPE', '.npy preamble truncated');
    return 12 + view.getUint32(8, true);
  }
  throw new DiceKitError('E_DTYPE', `.npy format version ${major} is not supported (1, 2 or 3)`);
}

/**
 * Parses an .npy header (format versions 1 to 3): the dictionary's `descr` (bool, signed and unsigned
 * integers of 1 to 8 bytes, float32, float64, either byte order), `fortran_order` and `shape`.
 */
export function parseNpyHeader(bytes: Uint8Array): VolumeHeader {
  const dataOffset = npyHeaderLength(bytes);
  if (bytes.byteLength < dataOffset) throw new DiceKitError('E_SHAPE', `.npy header truncated: ${bytes.byteLength} bytes, need ${dataOffset}`);
  const text = new TextDecoder('latin1').decode(bytes.subarray(bytes[6] === 1 ? 10 : 12, dataOffset));
  const descr = /['"]descr['"]\s*:\s*['"]([<>|=]?)([a-z]\d+)['"]/.exec(text);
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text);
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text);
  if (descr === null || fortran === null || shapeText === null) {
    throw new DiceKitError('E_DTYPE', `.npy header is not a plain array header: ${JSON.stringify(text.trim())}`);
  }
  const elementType = KINDS[descr[2] as string];
  if (elementType === undefined) throw new DiceKitError('E_DTYPE', `.npy dtype '${descr[1]}${descr[2]}' is not a supported label type`);
  const shape = (shapeText[1] as string)
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      const size = Number(part.replace(/L$/, ''));
      if (!Number.isInteger(size) || size < 0) throw new DiceKitError('E_SHAPE', `.npy shape entry ${JSON.stringify(part)} is not a size`);
      return size;
    });
  return {
    format: 'npy',
    shape: shape.length === 0 ? [1] : shape,
    elementType,
    littleEndian: descr[1] !== '>',
    dataOffset,
    fortranOrder: fortran[1] === 'True',
    voxelVolumeMl: null,
    scaling: null,
  };
}
