import { closeSync, openSync, readSync } from 'node:fs';
import { DiceKitError } from '@dicekit/core';
import { ELEMENT_BYTES, viewElements, type LabelArray } from './element-type.js';
import { finishLabels } from './read-label-volume.js';
import type { ScratchBuffer } from './scratch-buffer.js';
import type { ValueMap } from './value-map.js';
import type { VolumeHeader } from './volume-header.js';

/**
 * Reads voxels `[start, start + count)` (storage order) of an uncompressed volume with one positioned
 * read into `scratch`: workers count slabs of one huge volume in parallel without reading it whole.
 */
export function readLabelSlab(path: string, header: VolumeHeader, start: number, count: number, valueMap: ValueMap, scratch: ScratchBuffer): LabelArray {
  const size = ELEMENT_BYTES[header.elementType];
  const length = count * size;
  const bytes = scratch.bytes(length);
  const descriptor = openSync(path, 'r');
  try {
    let done = 0;
    while (done < length) {
      const read = readSync(descriptor, bytes, done, length - done, header.dataOffset + start * size + done);
      if (read === 0) throw new DiceKitError('E_SHAPE', `file truncated: voxel ${start + done / size} is past its end`);
      done += read;
    }
  } finally {
    closeSync(descriptor);
  }
  return finishLabels(viewElements(bytes, header.elementType, header.littleEndian, count), header, valueMap);
}
