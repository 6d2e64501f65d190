import { crc32, inflateSync } from 'node:zlib';

/** What a PNG file declares and holds, after checking its structure. */
export interface CheckedPng {
  readonly width: number;
  readonly height: number;
  readonly colorType: number;
  /** The decompressed scanlines (a filter byte per row, then the row's bytes). */
  readonly scanlines: Uint8Array;
}

/**
 * Parses a PNG file independently of the encoder under test: signature, chunk lengths, every
 * chunk's CRC (node:zlib's crc32), IHDR first and IEND last, and the IDAT stream inflating to
 * exactly `height · (1 + width · 3)` bytes for 8-bit RGB. Throws on the first fault.
 */
export function checkPng(file: Uint8Array): CheckedPng {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!signature.every((byte, index) => file[index] === byte)) throw new Error('bad PNG signature');
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const types: string[] = [];
  const data: Uint8Array[] = [];
  let width = 0;
  let height = 0;
  let colorType = -1;
  for (let offset = 8; offset < file.length; ) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...file.subarray(offset + 4, offset + 8));
    const body = file.subarray(offset + 8, offset + 8 + length);
    if (crc32(file.subarray(offset + 4, offset + 8 + length)) !== view.getUint32(offset + 8 + length)) throw new Error(`bad CRC in ${type}`);
    if (type === 'IHDR') {
      width = view.getUint32(offset + 8);
      height = view.getUint32(offset + 12);
      colorType = body[9] as number;
      if (body[8] !== 8) throw new Error('expected bit depth 8');
    }
    if (type === 'IDAT') data.push(body);
    types.push(type);
    offset += 12 + length;
  }
  if (types[0] !== 'IHDR' || types.at(-1) !== 'IEND') throw new Error(`chunk order ${types.join(',')}`);
  const scanlines = inflateSync(Buffer.concat(data));
  const bytesPerPixel = colorType === 2 ? 3 : colorType === 6 ? 4 : 1;
  if (scanlines.length !== height * (1 + width * bytesPerPixel)) throw new Error(`IDAT holds ${scanlines.length} bytes for ${width}×${height}`);
  return { width, height, colorType, scanlines };
}
