const DESCRIPTORS: Readonly<Record<string, [descr: string, bytes: number]>> = {
  uint8: ['|u1', 1],
  int16: ['<i2', 2],
  int64: ['<i8', 8],
  float32: ['<f4', 4],
  'int32-big': ['>i4', 4],
};

/** Test helper: an .npy (version 1.0) file holding `data` with `shape`, as numpy writes it. */
export function encodeNpy(shape: readonly number[], type: keyof typeof DESCRIPTORS, data: ArrayLike<number>, fortranOrder = false): Buffer {
  const [descr, size] = DESCRIPTORS[type] as [string, number];
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': ${fortranOrder ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  // numpy pads with spaces so the data start on a 64-byte boundary, ending the header with '\n'.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const out = Buffer.alloc(total + data.length * size);
  out[0] = 0x93;
  out.write('NUMPY', 1, 'latin1');
  out[6] = 1;
  out[7] = 0;
  out.writeUInt16LE(header.length, 8);
  out.write(header, 10, 'latin1');
  for (let index = 0; index < data.length; index++) {
    const value = data[index] as number;
    const offset = total + index * size;
    if (type === 'uint8') out.writeUInt8(value, offset);
    else if (type === 'int16') out.writeInt16LE(value, offset);
    else if (type === 'int64') out.writeBigInt64LE(BigInt(value), offset);
    else if (type === 'float32') out.writeFloatLE(value, offset);
    else out.writeInt32BE(value, offset);
  }
  return out;
}
