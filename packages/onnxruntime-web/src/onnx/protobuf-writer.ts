/** UTF-8 bytes of a string (no TextEncoder: the package uses no DOM or Node globals). */
function utf8(text: string): Uint8Array {
  const bytes: number[] = [];
  for (const character of text) {
    const code = character.codePointAt(0) as number;
    if (code < 0x80) bytes.push(code);
    else if (code < 0x800) bytes.push(0xc0 | (code >> 6), 0x80 | (code & 0x3f));
    else if (code < 0x10000) bytes.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
    else bytes.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 0x3f), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
  }
  return Uint8Array.from(bytes);
}

/**
 * A minimal protocol-buffers encoder: varints, fixed32/fixed64 and length-delimited fields, written
 * in the order the caller emits them. Callers emit fields in ascending field number, which is what
 * the generated protobuf serialisers do, so the bytes match theirs.
 */
export class ProtobufWriter {
  private chunks: Uint8Array[] = [];
  private current = new Uint8Array(256);
  private position = 0;
  private totalLength = 0;

  private ensure(extra: number): void {
    if (this.position + extra <= this.current.length) return;
    this.chunks.push(this.current.subarray(0, this.position));
    this.totalLength += this.position;
    this.current = new Uint8Array(Math.max(256, extra, this.current.length * 2));
    this.position = 0;
  }

  /** An unsigned varint; negative int64 values are written as their 10-byte two's complement. */
  varint(value: number | bigint): this {
    let remaining = BigInt.asUintN(64, BigInt(value));
    this.ensure(10);
    while (remaining >= 0x80n) {
      this.current[this.position++] = Number(remaining & 0x7fn) | 0x80;
      remaining >>= 7n;
    }
    this.current[this.position++] = Number(remaining);
    return this;
  }

  /** A field key: `(field << 3) | wireType`. */
  tag(field: number, wireType: 0 | 1 | 2 | 5): this {
    return this.varint(field * 8 + wireType);
  }

  bytes(data: Uint8Array): this {
    this.ensure(data.length);
    this.current.set(data, this.position);
    this.position += data.length;
    return this;
  }

  /** Field of wire type 0 (int32, int64, enum, bool). */
  varintField(field: number, value: number | bigint): this {
    return this.tag(field, 0).varint(value);
  }

  /** Field of wire type 5 (float). */
  floatField(field: number, value: number): this {
    this.tag(field, 5);
    const buffer = new Uint8Array(4);
    new DataView(buffer.buffer).setFloat32(0, value, true);
    return this.bytes(buffer);
  }

  /** Field of wire type 2 holding raw bytes. */
  bytesField(field: number, data: Uint8Array): this {
    return this.tag(field, 2).varint(data.length).bytes(data);
  }

  stringField(field: number, text: string): this {
    return this.bytesField(field, utf8(text));
  }

  /** An embedded message, encoded by `write` into its own writer first to learn its length. */
  messageField(field: number, write: (writer: ProtobufWriter) => void): this {
    const inner = new ProtobufWriter();
    write(inner);
    return this.bytesField(field, inner.finish());
  }

  /** The encoded bytes. */
  finish(): Uint8Array {
    const result = new Uint8Array(this.totalLength + this.position);
    let offset = 0;
    for (const chunk of this.chunks) {
      result.set(chunk, offset);
      offset += chunk.length;
    }
    result.set(this.current.subarray(0, this.position), offset);
    return result;
  }
}
