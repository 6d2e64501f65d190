import { crc32, deflateSync } from 'node:zlib';

/** What {@link encodePng} writes. Samples row-major, `height × width × samplesPerPixel`. */
export interface PngImage {
  readonly width: number;
  readonly height: number;
  readonly colorType: 0 | 2 | 3 | 4 | 6;
  readonly bitDepth: number;
  readonly samples: ArrayLike<number>;
  /** RGB triples for colour type 3. */
  readonly palette?: readonly (readonly [number, number, number])[];
  /** Row filter type per row (default: cycles 0..4, so every unfilter path is exercised). */
  readonly filterOf?: (row: number) => number;
}

const SAMPLES: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.byteLength);
  out.writeUInt32BE(data.byteLength, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.byteLength)), 8 + data.byteLength);
  return out;
}

function paeth(left: number, up: number, upLeft: number): number {
  const estimate = left + up - upLeft;
  const toLeft = Math.abs(estimate - left);
  const toUp = Math.abs(estimate - up);
  const toUpLeft = Math.abs(estimate - upLeft);
  if (toLeft <= toUp && toLeft <= toUpLeft) return left;
  return toUp <= toUpLeft ? up : upLeft;
}

/** Test helper: a minimal PNG encoder (any colour type and depth, non-interlaced, chosen row filters). */
export function encodePng(image: PngImage): Buffer {
  const { width, height, colorType, bitDepth } = image;
  const perPixel = SAMPLES[colorType] as number;
  const bitsPerPixel = perPixel * bitDepth;
  const rowBytes = Math.ceil((width * bitsPerPixel) / 8);
  const step = Math.max(1, bitsPerPixel >> 3);
  const rows = new Uint8Array(height * rowBytes);
  for (let row = 0; row < height; row++) {
    for (let column = 0; column < width; column++) {
      for (let sample = 0; sample < perPixel; sample++) {
        const value = image.samples[(row * width + column) * perPixel + sample] as number;
        const bitOffset = (column * perPixel + sample) * bitDepth;
        if (bitDepth === 16) {
          rows[row * rowBytes + bitOffset / 8] = value >> 8;
          rows[row * rowBytes + bitOffset / 8 + 1] = value & 0xff;
        } else if (bitDepth === 8) {
          rows[row * rowBytes + bitOffset / 8] = value;
        } else {
          const byte = row * rowBytes + (bitOffset >> 3);
          rows[byte] = (rows[byte] as number) | (value << (8 - bitDepth - (bitOffset & 7)));
        }
      }
    }
  }
  const filtered = new Uint8Array(height * (rowBytes + 1));
  for (let row = 0; row < height; row++) {
    const filter = image.filterOf?.(row) ?? row % 5;
    filtered[row * (rowBytes + 1)] = filter;
    for (let column = 0; column < rowBytes; column++) {
      const value = rows[row * rowBytes + column] as number;
      const left = column >= step ? (rows[row * rowBytes + column - step] as number) : 0;
      const up = row > 0 ? (rows[(row - 1) * rowBytes + column] as number) : 0;
      const upLeft = row > 0 && column >= step ? (rows[(row - 1) * rowBytes + column - step] as number) : 0;
      const predictor = [0, left, up, (left + up) >> 1, paeth(left, up, upLeft)][filter] as number;
      filtered[row * (rowBytes + 1) + 1 + column] = (value - predictor) & 0xff;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = bitDepth;
  header[9] = colorType;
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header)];
  if (image.palette !== undefined) parts.push(chunk('PLTE', Uint8Array.from(image.palette.flat())));
  const compressed = deflateSync(filtered);
  // Two IDAT chunks: decoders must concatenate them.
  const half = compressed.byteLength >> 1;
  parts.push(chunk('IDAT', compressed.subarray(0, half)), chunk('IDAT', compressed.subarray(half)), chunk('IEND', new Uint8Array(0)));
  return Buffer.concat(parts);
}
