import { describe, expect, it } from 'vitest';
import { encodePng } from '../src/image/png-encoder.js';
import { Raster } from '../src/image/raster.js';
import { checkPng } from './png-check.js';

describe('encodePng', () => {
  it('writes a valid RGB PNG whose pixels decode back unchanged', () => {
    const width = 7;
    const height = 5;
    const rgb = Uint8Array.from({ length: width * height * 3 }, (_, index) => (index * 37) % 256);
    const png = checkPng(encodePng(width, height, rgb));
    expect([png.width, png.height, png.colorType]).toEqual([7, 5, 2]);
    for (let row = 0; row < height; row++) {
      expect(png.scanlines[row * (1 + width * 3)]).toBe(0);
      expect(Array.from(png.scanlines.subarray(row * (1 + width * 3) + 1, (row + 1) * (1 + width * 3)))).toEqual(Array.from(rgb.subarray(row * width * 3, (row + 1) * width * 3)));
    }
  });

  it('refuses a buffer of the wrong size', () => {
    expect(() => encodePng(2, 2, new Uint8Array(11))).toThrow(RangeError);
  });

  it('draws text and lines into a raster that encodes', () => {
    const raster = new Raster(60, 20);
    raster.drawText(2, 2, 'DICE 0.91', [0, 0, 0]);
    raster.drawLine(0, 19, 59, 19, [255, 0, 0], 1);
    const inked = raster.pixels.reduce((count, value) => count + (value < 128 ? 1 : 0), 0);
    expect(inked).toBeGreaterThan(50);
    expect(checkPng(raster.toPng()).width).toBe(60);
  });
});
