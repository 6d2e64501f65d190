import * as tf from '@tensorflow/tfjs-core';

/**
 * Collects small tensors (partial sums, check values) and downloads them in ONE `dataSync`, so a
 * loss call costs a single device-to-host transfer. `read` returns each tensor's values afterwards.
 */
export class HostReader {
  private readonly tensors: tf.Tensor[] = [];
  private values: Float32Array | null = null;
  private readonly offsets: number[] = [];

  /** Queues `tensor` (any dtype, read as float32); returns its slot. */
  add(tensor: tf.Tensor): number {
    this.tensors.push(tensor);
    return this.tensors.length - 1;
  }

  /** Downloads every queued tensor synchronously (`dataSync`). */
  download(): void {
    const flat = this.gather();
    try {
      this.receive(flat.dataSync() as Float32Array);
    } finally {
      flat.dispose();
    }
  }

  /**
   * The queued tensors concatenated into one float32 vector, for an asynchronous read (`data()`,
   * what webgpu needs): hand its values to `receive`. The caller disposes it.
   */
  gather(): tf.Tensor {
    this.offsets.length = 0;
    let offset = 0;
    for (const tensor of this.tensors) {
      this.offsets.push(offset);
      offset += tensor.size;
    }
    if (this.tensors.length === 0) return tf.zeros([0]);
    return tf.tidy(() => {
      let parts = this.tensors.map((tensor: tf.Tensor) => tf.reshape(tensor.dtype === 'float32' ? tensor : tf.cast(tensor, 'float32'), [-1]));
      // Concatenate at most four at a time: GPU backends bind one buffer per input, and small
      // devices (SwiftShader's WebGPU) cap the buffers a shader may bind.
      while (parts.length > 1) {
        const next: tf.Tensor[] = [];
        for (let start = 0; start < parts.length; start += 4) next.push(tf.concat(parts.slice(start, start + 4), 0));
        parts = next;
      }
      return parts[0] as tf.Tensor;
    });
  }

  /**
   * Downloads every queued tensor asynchronously, one `data()` each (no concatenation on the device:
   * webgpu on small devices mishandles wide concatenations).
   */
  async downloadAsync(): Promise<void> {
    const parts = await Promise.all(this.tensors.map((tensor) => tensor.data()));
    this.offsets.length = 0;
    let offset = 0;
    for (const part of parts) {
      this.offsets.push(offset);
      offset += part.length;
    }
    const values = new Float32Array(offset);
    parts.forEach((part, index) => values.set(part as ArrayLike<number>, this.offsets[index] as number));
    this.values = values;
  }

  /** The queued tensors (to keep them alive across an asynchronous read, then dispose them). */
  queued(): readonly tf.Tensor[] {
    return this.tensors;
  }

  /** Accepts the downloaded values of `gather()`. */
  receive(values: Float32Array): void {
    this.values = values;
  }

  /** The values of slot `slot` (after `download`). */
  read(slot: number): Float32Array {
    if (this.values === null) throw new Error('HostReader.read before download');
    const tensor = this.tensors[slot] as tf.Tensor;
    const offset = this.offsets[slot] as number;
    return this.values.subarray(offset, offset + tensor.size);
  }

  /** Shape of slot `slot`. */
  shape(slot: number): number[] {
    return (this.tensors[slot] as tf.Tensor).shape;
  }
}
