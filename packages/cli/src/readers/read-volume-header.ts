import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { DiceKitError } from '@dicekit/core';
import { ELEMENT_BYTES } from './element-type.js';
import { labelFileKind } from './label-file-kind.js';
import { NIFTI2_HEADER_BYTES, parseNiftiHeader } from './nifti-header.js';
import { npyHeaderLength, parseNpyHeader } from './npy-header.js';
import { headerVoxels, type VolumeHeader } from './volume-header.js';

function readAt(descriptor: number, length: number, position: number): Buffer {
  const bytes = Buffer.alloc(length);
  const read = readSync(descriptor, bytes, 0, length, position);
  return bytes.subarray(0, read);
}

/**
 * The header of an uncompressed `.nii` or `.npy` file, read with a few hundred bytes of I/O, and
 * checked against the file size; null for other kinds (PNG, gzip), which cannot be read by slabs.
 */
export function readVolumeHeader(path: string): VolumeHeader | null {
  const kind = labelFileKind(path);
  if (kind !== 'nifti' && kind !== 'npy') return null;
  const descriptor = openSync(path, 'r');
  try {
    const size = fstatSync(descriptor).size;
    let header: VolumeHeader;
    if (kind === 'nifti') {
      header = parseNiftiHeader(readAt(descriptor, NIFTI2_HEADER_BYTES, 0));
    } else {
      const length = npyHeaderLength(readAt(descriptor, 12, 0));
      header = parseNpyHeader(readAt(descriptor, length, 0));
    }
    const needed = header.dataOffset + headerVoxels(header) * ELEMENT_BYTES[header.elementType];
    if (size < needed) throw new DiceKitError('E_SHAPE', `file truncated: ${size} bytes, the header announces ${needed}`);
    return header;
  } finally {
    closeSync(descriptor);
  }
}
