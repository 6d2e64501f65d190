import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DiceKitError } from '@dicekit/core';
import { ELEMENT_BYTES, viewElements, type LabelArray } from './element-type.js';
import { labelFileKind } from './label-file-kind.js';
import type { LabelVolume } from './label-volume.js';
import { parseNiftiHeader } from './nifti-header.js';
import { parseNpyHeader } from './npy-header.js';
import { decodePng } from './png-decoder.js';
import type { ScratchBuffer } from './scratch-buffer.js';
import { mapColors, mapValues, type ValueMap } from './value-map.js';
import { headerVoxels, type VolumeHeader } from './volume-header.js';

/** Reads the whole file into `scratch` (reused between calls), returning a view of its bytes. */
export function readWholeFile(path: string, scratch: ScratchBuffer): Buffer {
  const descriptor = openSync(path, 'r');
  try {
    const size = fstatSync(descriptor).size;
    const bytes = scratch.bytes(size);
    let done = 0;
    while (done < size) {
      const read = readSync(descriptor, bytes, done, size - done, done);
      if (read === 0) break;
      done += read;
    }
    return bytes.subarray(0, done);
  } finally {
    closeSync(descriptor);
  }
}

function gunzip(compressed: Uint8Array): Buffer {
  if (compressed.byteLength < 18 || compressed[0] !== 0x1f || compressed[1] !== 0x8b) {
    throw new DiceKitError('E_DTYPE', 'not a gzip file (a .gz name without gzip content)');
  }
  // The gzip trailer stores the uncompressed size mod 2^32: sizing the output chunk to it lets zlib
  // return its single buffer instead of concatenating 16 KiB pieces (half the copying and memory).
  const view = new DataView(compressed.buffer, compressed.byteOffset, compressed.byteLength);
  const announced = view.getUint32(compressed.byteLength - 4, true);
  try {
    return gunzipSync(compressed, { chunkSize: Math.max(64 * 1024, announced + 1) });
  } catch (error) {
    throw new DiceKitError('E_VALUE', `gzip data are corrupt or truncated: ${(error as Error).message}`);
  }
}

/** Applies NIfTI scaling and the value map to raw stored labels. */
export function finishLabels(data: LabelArray, header: Pick<VolumeHeader, 'scaling'>, valueMap: ValueMap): LabelArray {
  let labels = data;
  if (header.scaling !== null) {
    const { slope, intercept } = header.scaling;
    const scaled = new Float64Array(labels.length);
    for (let index = 0; index < labels.length; index++) scaled[index] = (labels[index] as number) * slope + intercept;
    labels = scaled;
  }
  return mapValues(labels, valueMap.values);
}

function volumeFromHeader(bytes: Uint8Array, header: VolumeHeader, valueMap: ValueMap): LabelVolume {
  const count = headerVoxels(header);
  const size = ELEMENT_BYTES[header.elementType];
  if (bytes.byteLength < header.dataOffset + count * size) {
    throw new DiceKitError(
      'E_SHAPE',
      `file truncated: ${bytes.byteLength} bytes, the header announces ${count} ${header.elementType} voxels from byte ${header.dataOffset} (${header.dataOffset + count * size} bytes)`,
    );
  }
  const raw = viewElements(bytes.subarray(header.dataOffset), header.elementType, header.littleEndian, count);
  return {
    shape: header.shape,
    data: finishLabels(raw, header, valueMap),
    fortranOrder: header.fortranOrder,
    voxelVolumeMl: header.voxelVolumeMl,
    description: `${header.format} ${header.elementType}`,
  };
}

function pngVolume(file: Uint8Array, valueMap: ValueMap): LabelVolume {
  const png = decodePng(file);
  const shape = [png.height, png.width];
  const description = `png colour type ${png.colorType} ${png.bitDepth}-bit`;
  let data: LabelArray;
  if (png.colorType === 2 || png.colorType === 6) {
    data = mapColors(png.samples, png.samplesPerPixel, valueMap.colors);
  } else if (png.colorType === 4) {
    const gray = png.samples instanceof Uint16Array ? new Uint16Array(png.width * png.height) : new Uint8Array(png.width * png.height);
    for (let pixel = 0; pixel < gray.length; pixel++) gray[pixel] = png.samples[pixel * 2] as number;
    data = mapValues(gray, valueMap.values);
  } else {
    data = mapValues(png.samples, valueMap.values);
  }
  return { shape, data, fortranOrder: false, voxelVolumeMl: null, description };
}

/**
 * Reads a label file (`.png`, `.nii`, `.nii.gz`, `.npy`) into a label volume. File bytes go through
 * `scratch`, so the returned data may be a view of it: use it before the next read with the same
 * scratch. Every failure is a DiceKitError (or a Node fs error) whose message says what is wrong.
 */
export function readLabelVolume(path: string, valueMap: ValueMap, scratch: ScratchBuffer): LabelVolume {
  const kind = labelFileKind(path);
  if (kind === null) throw new DiceKitError('E_DTYPE', `unsupported file type: ${path} (expected .png, .nii, .nii.gz or .npy)`);
  const file = readWholeFile(path, scratch);
  if (file.byteLength === 0) throw new DiceKitError('E_SHAPE', 'empty file');
  switch (kind) {
    case 'png':
      return pngVolume(file, valueMap);
    case 'nifti':
      return volumeFromHeader(file, parseNiftiHeader(file), valueMap);
    case 'nifti-gz': {
      const bytes = gunzip(file);
      return volumeFromHeader(bytes, parseNiftiHeader(bytes), valueMap);
    }
    case 'npy':
      return volumeFromHeader(file, parseNpyHeader(file), valueMap);
  }
}
