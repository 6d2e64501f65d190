import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isDiceKitError } from '@dicekit/core';
import { encodePng } from '../test-support/encode-png.js';
import { seededRandom } from '../test-support/generate-labels.js';
import { decodePng } from './png-decoder.js';

function samples(count: number, maximum: number, seed: number): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => Math.floor(random() * (maximum + 1)));
}

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return isDiceKitError(error) ? error.code : 'not-dicekit';
  }
  return undefined;
}

describe('decodePng', () => {
  const cases: Array<[colorType: 0 | 2 | 3 | 4 | 6, bitDepth: number, perPixel: number]> = [
    [0, 1, 1],
    [0, 2, 1],
    [0, 4, 1],
    [0, 8, 1],
    [0, 16, 1],
    [2, 8, 3],
    [2, 16, 3],
    [3, 4, 1],
    [3, 8, 1],
    [4, 8, 2],
    [6, 8, 4],
    [6, 16, 4],
  ];
  it.each(cases)('round-trips colour type %i at %i bits through every row filter', (colorType, bitDepth, perPixel) => {
    const width = 13;
    const height = 11;
    const values = samples(width * height * perPixel, (1 << bitDepth) - 1, colorType * 100 + bitDepth);
    const palette = colorType === 3 ? Array.from({ length: 1 << bitDepth }, (_, index) => [index, 0, 0] as const) : undefined;
    const file = encodePng({ width, height, colorType, bitDepth, samples: values, ...(palette ? { palette } : {}) });
    const decoded = decodePng(file);
    expect(decoded.width).toBe(width);
    expect(decoded.height).toBe(height);
    expect(decoded.samplesPerPixel).toBe(perPixel);
    expect(Array.from(decoded.samples)).toEqual(values);
  });

  it('refuses a bad CRC, a truncated file, a bad signature and interlacing with reasons', () => {
    const file = encodePng({ width: 8, height: 8, colorType: 0, bitDepth: 8, samples: samples(64, 3, 1) });
    const corrupt = Buffer.from(file);
    corrupt[45] = (corrupt[45] as number) ^ 0xff;
    expect(codeOf(() => decodePng(corrupt))).toBe('E_VALUE');
    expect(() => decodePng(corrupt)).toThrow(/CRC/);
    expect(codeOf(() => decodePng(file.subarray(0, file.byteLength - 20)))).toBe('E_SHAPE');
    expect(codeOf(() => decodePng(Buffer.from('GIF89a not a png')))).toBe('E_DTYPE');
    const interlaced = Buffer.from(file);
    interlaced[8 + 8 + 12] = 1;
    // Recompute the IHDR CRC so only the interlace flag is wrong.
    interlaced.writeUInt32BE(crc32(interlaced.subarray(12, 8 + 8 + 13)), 8 + 8 + 13);
    expect(() => decodePng(interlaced)).toThrow(/interlaced/);
  });
});
