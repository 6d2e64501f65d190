import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeNifti } from '../test-support/encode-nifti.js';
import { encodeNpy } from '../test-support/encode-npy.js';
import { encodePng } from '../test-support/encode-png.js';
import { readLabelVolume } from './read-label-volume.js';
import { readLabelSlab } from './read-label-slab.js';
import { readVolumeHeader } from './read-volume-header.js';
import { ScratchBuffer } from './scratch-buffer.js';
import { EMPTY_VALUE_MAP, parseValueMap } from './value-map.js';

const directory = mkdtempSync(join(tmpdir(), 'dicekit-readers-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function write(name: string, bytes: Uint8Array): string {
  const path = join(directory, name);
  writeFileSync(path, bytes);
  return path;
}

const labels = [0, 1, 2, 3, 2, 1, 0, 0, 1, 2, 3, 3, 0, 1, 2, 0, 3, 2, 1, 1, 0, 0, 0, 2];
const shape = [4, 3, 2];

describe('readLabelVolume', () => {
  it.each(['uint8', 'int8', 'int16', 'uint16', 'int32', 'float32', 'float64'] as const)('reads NIfTI-1 %s, both byte orders, plain and gzipped', (datatype) => {
    for (const littleEndian of [true, false]) {
      for (const gzip of [false, true]) {
        const path = write(`v-${datatype}-${littleEndian}-${gzip}.nii${gzip ? '.gz' : ''}`, encodeNifti({ shape, datatype, data: labels, littleEndian, gzip, spacing: [0.5, 2, 3] }));
        const volume = readLabelVolume(path, EMPTY_VALUE_MAP, new ScratchBuffer());
        expect(volume.shape).toEqual(shape);
        expect(Array.from(volume.data)).toEqual(labels);
        // 0.5 × 2 × 3 mm³ = 3 mm³ = 0.003 mL
        expect(volume.voxelVolumeMl).toBeCloseTo(0.003, 12);
      }
    }
  });

  it('converts NIfTI spacing units (metres, microns) to millilitres and applies scl_slope/scl_inter', () => {
    const metres = readLabelVolume(write('m.nii', encodeNifti({ shape, datatype: 'uint8', data: labels, spacing: [0.001, 0.001, 0.002], units: 1 })), EMPTY_VALUE_MAP, new ScratchBuffer());
    // pixdim is float32: 0.001 m is stored to ~1e-7 relative.
    expect(metres.voxelVolumeMl).toBeCloseTo(0.002, 8);
    const scaled = readLabelVolume(write('s.nii', encodeNifti({ shape, datatype: 'uint8', data: labels, slope: 2, intercept: 1 })), EMPTY_VALUE_MAP, new ScratchBuffer());
    expect(Array.from(scaled.data)).toEqual(labels.map((value) => 2 * value + 1));
  });

  it('reads npy (C and Fortran order, int64, big-endian int32, float32)', () => {
    for (const type of ['uint8', 'int16', 'int64', 'float32', 'int32-big'] as const) {
      const volume = readLabelVolume(write(`a-${type}.npy`, encodeNpy(shape, type, labels)), EMPTY_VALUE_MAP, new ScratchBuffer());
      expect(volume.shape).toEqual(shape);
      expect(Array.from(volume.data)).toEqual(labels);
      expect(volume.fortranOrder).toBe(false);
    }
    expect(readLabelVolume(write('f.npy', encodeNpy(shape, 'uint8', labels, true)), EMPTY_VALUE_MAP, new ScratchBuffer()).fortranOrder).toBe(true);
  });

  it('reads PNG gray, palette, gray+alpha and RGB through a colour map; refuses unmapped colours', () => {
    const gray = readLabelVolume(write('g.png', encodePng({ width: 6, height: 4, colorType: 0, bitDepth: 8, samples: labels })), EMPTY_VALUE_MAP, new ScratchBuffer());
    expect(gray.shape).toEqual([4, 6]);
    expect(Array.from(gray.data)).toEqual(labels);
    const palette = readLabelVolume(write('p.png', encodePng({ width: 6, height: 4, colorType: 3, bitDepth: 4, samples: labels, palette: [[0, 0, 0], [255, 0, 0], [0, 255, 0], [0, 0, 255]] })), EMPTY_VALUE_MAP, new ScratchBuffer());
    expect(Array.from(palette.data)).toEqual(labels);
    const alpha = readLabelVolume(write('ga.png', encodePng({ width: 6, height: 4, colorType: 4, bitDepth: 8, samples: labels.flatMap((value) => [value, 255]) })), EMPTY_VALUE_MAP, new ScratchBuffer());
    expect(Array.from(alpha.data)).toEqual(labels);
    const colors: Array<[number, number, number]> = [[0, 0, 0], [255, 0, 0], [0, 255, 0], [0, 0, 255]];
    const rgbPath = write('c.png', encodePng({ width: 6, height: 4, colorType: 2, bitDepth: 8, samples: labels.flatMap((value) => colors[value] as number[]) }));
    const map = parseValueMap('#000000=0,#ff0000=1;#00ff00=2,#0000FF=3');
    expect(Array.from(readLabelVolume(rgbPath, map, new ScratchBuffer()).data)).toEqual(labels);
    expect(() => readLabelVolume(rgbPath, parseValueMap('#000000=0,#ff0000=1'), new ScratchBuffer())).toThrow(/#00ff00 \(\d+ voxels\)/);
    expect(() => readLabelVolume(rgbPath, EMPTY_VALUE_MAP, new ScratchBuffer())).toThrow(/--color-map/);
    // An RGB image whose pixels are all gray is read as its gray level.
    const grayRgb = write('gr.png', encodePng({ width: 6, height: 4, colorType: 2, bitDepth: 8, samples: labels.flatMap((value) => [value, value, value]) }));
    expect(Array.from(readLabelVolume(grayRgb, EMPTY_VALUE_MAP, new ScratchBuffer()).data)).toEqual(labels);
  });

  it('maps stored values (0/255 masks) and reports unmapped ones', () => {
    const mask = labels.map((value) => (value > 1 ? 255 : 0));
    const path = write('m.png', encodePng({ width: 6, height: 4, colorType: 0, bitDepth: 8, samples: mask }));
    expect(Array.from(readLabelVolume(path, parseValueMap('0=0,255=1'), new ScratchBuffer()).data)).toEqual(mask.map((value) => value / 255));
    expect(() => readLabelVolume(path, parseValueMap('0=0'), new ScratchBuffer())).toThrow(/255 \(\d+ voxels\)/);
  });

  it('refuses truncated, corrupt gzip, unknown and empty files with reasons', () => {
    const full = encodeNifti({ shape, datatype: 'int16', data: labels });
    expect(() => readLabelVolume(write('t.nii', full.subarray(0, 360)), EMPTY_VALUE_MAP, new ScratchBuffer())).toThrow(/truncated/);
    const gz = encodeNifti({ shape, datatype: 'int16', data: labels, gzip: true });
    expect(() => readLabelVolume(write('t.nii.gz', gz.subarray(0, gz.byteLength - 10)), EMPTY_VALUE_MAP, new ScratchBuffer())).toThrow(/E_VALUE|E_SHAPE/);
    expect(() => readLabelVolume(write('x.nii', Buffer.from('hello world'.repeat(40))), EMPTY_VALUE_MAP, new ScratchBuffer())).toThrow(/not a NIfTI/);
    expect(() => readLabelVolume(write('e.png', new Uint8Array(0)), EMPTY_VALUE_MAP, new ScratchBuffer())).toThrow(/empty file/);
  });

  it('reads slabs of uncompressed volumes equal to the slices of the whole', () => {
    for (const [name, bytes] of [
      ['slab.nii', encodeNifti({ shape, datatype: 'int16', data: labels, littleEndian: false })],
      ['slab.npy', encodeNpy(shape, 'int64', labels)],
    ] as const) {
      const path = write(name, bytes);
      const header = readVolumeHeader(path);
      expect(header).not.toBeNull();
      const scratch = new ScratchBuffer();
      const pieces: number[] = [];
      for (let start = 0; start < labels.length; start += 5) {
        pieces.push(...readLabelSlab(path, header!, start, Math.min(5, labels.length - start), EMPTY_VALUE_MAP, scratch));
      }
      expect(pieces).toEqual(labels);
    }
  });
});
