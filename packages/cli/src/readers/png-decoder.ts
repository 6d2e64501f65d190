import { crc32, inflateSync } from 'node:zlib';
import { DiceKitError } from '@dicekit/core';

/** A decoded PNG: samples per pixel as stored (no gamma, no palette expansion). */
export interface DecodedPng {
  readonly width: number;
  readonly height: number;
  /** PNG colour type: 0 gray, 2 RGB, 3 palette, 4 gray + alpha, 6 RGBA. */
  readonly colorType: 0 | 2 | 3 | 4 | 6;
  readonly bitDepth: number;
  /** Samples per pixel (1, 3, 1, 2, 4 for the colour types above). */
  readonly samplesPerPixel: number;
  /** Row-major samples, `height × width × samplesPerPixel`; 16-bit images as Uint16Array. */
  readonly samples: Uint8Array | Uint16Array;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const SAMPLES: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const ALLOWED_DEPTHS: Readonly<Record<number, readonly number[]>> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

function paeth(left: number, up: number, upLeft: number): number {
  const estimate = left + up - upLeft;
  const toLeft = Math.abs(estimate - left);
  const toUp = Math.abs(estimate - up);
  const toUpLeft = Math.abs(estimate - upLeft);
  if (toLeft <= toUp && toLeft <= toUpLeft) return left;
  return toUp <= toUpLeft ? up : upLeft;
}

/**
 * Decodes a non-interlaced PNG (any colour type and bit depth of the standard) to raw samples.
 * Checks the signature, every chunk's CRC and the decompressed size, so truncated or corrupt files
 * are refused with a reason rather than decoded to garbage.
 */
export function decodePng(file: Uint8Array): DecodedPng {
  for (let index = 0; index < SIGNATURE.length; index++) {
    if (file[index] !== SIGNATURE[index]) throw new DiceKitError('E_DTYPE', 'not a PNG file (bad signature)');
  }
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  let position = 8;
  let header: { width: number; height: number; bitDepth: number; colorType: number; interlace: number } | null = null;
  const compressed: Uint8Array[] = [];
  let ended = false;
  while (position + 12 <= file.byteLength) {
    const length = view.getUint32(position);
    const type = String.fromCharCode(...file.subarray(position + 4, position + 8));
    if (position + 12 + length > file.byteLength) throw new DiceKitError('E_SHAPE', `PNG truncated inside chunk ${type}`);
    const data = file.subarray(position + 8, position + 8 + length);
    const stored = view.getUint32(position + 8 + length);
    if (crc32(file.subarray(position + 4, position + 8 + length)) !== stored) {
      throw new DiceKitError('E_VALUE', `PNG chunk ${type} at byte ${position} fails its CRC check (corrupt file)`);
    }
    if (type === 'IHDR') {
      const chunk = new DataView(data.buffer, data.byteOffset, data.byteLength);
      header = {
        width: chunk.getUint32(0),
        height: chunk.getUint32(4),
        bitDepth: chunk.getUint8(8),
        colorType: chunk.getUint8(9),
        interlace: chunk.getUint8(12),
      };
    } else if (type === 'IDAT') {
      compressed.push(data);
    } else if (type === 'IEND') {
      ended = true;
      break;
    }
    position += 12 + length;
  }
  if (header === null) throw new DiceKitError('E_SHAPE', 'PNG has no IHDR chunk');
  if (!ended) throw new DiceKitError('E_SHAPE', 'PNG truncated: no IEND chunk');
  const { width, height, bitDepth, colorType, interlace } = header;
  const samplesPerPixel = SAMPLES[colorType];
  if (samplesPerPixel === undefined || !(ALLOWED_DEPTHS[colorType] ?? []).includes(bitDepth)) {
    throw new DiceKitError('E_DTYPE', `PNG colour type ${colorType} with bit depth ${bitDepth} is not valid`);
  }
  if (interlace !== 0) throw new DiceKitError('E_DTYPE', 'interlaced (Adam7) PNG is not supported; save the mask without interlacing');
  if (width === 0 || height === 0) throw new DiceKitError('E_SHAPE', `PNG has size ${width}×${height}`);
  const bitsPerPixel = bitDepth * samplesPerPixel;
  const rowBytes = Math.ceil((width * bitsPerPixel) / 8);
  const filterStep = Math.max(1, bitsPerPixel >> 3);
  let raw: Buffer;
  try {
    raw = inflateSync(compressed.length === 1 ? (compressed[0] as Uint8Array) : Buffer.concat(compressed));
  } catch (error) {
    throw new DiceKitError('E_VALUE', `PNG image data do not inflate: ${(error as Error).message}`);
  }
  if (raw.byteLength < height * (rowBytes + 1)) {
    throw new DiceKitError('E_SHAPE', `PNG image data hold ${raw.byteLength} bytes, expected ${height * (rowBytes + 1)} for ${width}×${height}`);
  }
  // Unfilter in place row by row into a separate buffer so the caller's bytes stay untouched.
  const pixels = new Uint8Array(height * rowBytes);
  for (let row = 0; row < height; row++) {
    const filter = raw[row * (rowBytes + 1)] as number;
    const source = row * (rowBytes + 1) + 1;
    const current = row * rowBytes;
    const previous = current - rowBytes;
    for (let column = 0; column < rowBytes; column++) {
      const value = raw[source + column] as number;
      const left = column >= filterStep ? (pixels[current + column - filterStep] as number) : 0;
      const up = row > 0 ? (pixels[previous + column] as number) : 0;
      const upLeft = row > 0 && column >= filterStep ? (pixels[previous + column - filterStep] as number) : 0;
      let decoded: number;
      switch (filter) {
        case 0:
          decoded = value;
          break;
        case 1:
          decoded = value + left;
          break;
        case 2:
          decoded = value + up;
          break;
        case 3:
          decoded = value + ((left + up) >> 1);
          break;
        case 4:
          decoded = value + paeth(left, up, upLeft);
          break;
        default:
          throw new DiceKitError('E_VALUE', `PNG row ${row} has filter type ${filter} (corrupt file)`);
      }
      pixels[current + column] = decoded & 0xff;
    }
  }
  const count = width * height * samplesPerPixel;
  let samples: Uint8Array | Uint16Array;
  if (bitDepth === 8) {
    samples = pixels;
  } else if (bitDepth === 16) {
    samples = new Uint16Array(count);
    for (let index = 0; index < count; index++) samples[index] = ((pixels[2 * index] as number) << 8) | (pixels[2 * index + 1] as number);
  } else {
    // Sub-byte samples are unpacked to their integer value (a 1-bit mask gives 0/1), not rescaled.
    samples = new Uint8Array(count);
    const perByte = 8 / bitDepth;
    const maximum = (1 << bitDepth) - 1;
    for (let row = 0; row < height; row++) {
      for (let column = 0; column < width; column++) {
        const byte = pixels[row * rowBytes + Math.floor(column / perByte)] as number;
        const shift = 8 - bitDepth * ((column % perByte) + 1);
        samples[row * width + column] = (byte >> shift) & maximum;
      }
    }
  }
  return { width, height, colorType: colorType as DecodedPng['colorType'], bitDepth, samplesPerPixel, samples };
}
