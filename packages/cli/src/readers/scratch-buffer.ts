/**
 * A growable byte buffer reused across reads, so a worker that reads hundreds of same-sized volumes
 * allocates once. Views handed out are valid until the next `bytes()` call.
 */
export class ScratchBuffer {
  private buffer: Buffer = Buffer.alloc(0);

  /** A view of at least `size` bytes (contents unspecified), 8-byte aligned at offset 0. */
  bytes(size: number): Buffer {
    if (this.buffer.byteLength < size) {
      // Grow by 1/8 extra so slightly larger volumes do not reallocate every time.
      this.buffer = Buffer.allocUnsafeSlow(Math.ceil(size * 1.125));
    }
    return this.buffer.subarray(0, size);
  }
}
