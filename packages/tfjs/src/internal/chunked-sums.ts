import * as tf from '@tensorflow/tfjs-core';

/** Largest chunk of voxels reduced by one tf reduction: small enough for float32 accumulators. */
const CHUNK = 2048;
/** Above this many chunks per (sample, channel), the voxel axis is padded to a multiple of CHUNK. */
const MAX_CHUNKS = 16384;

function chunkSize(voxels: number): number {
  if (voxels <= CHUNK) return voxels;
  for (let size = CHUNK; size >= 1; size--) {
    if (voxels % size === 0) return voxels / size > MAX_CHUNKS ? 0 : size;
  }
  return 0;
}

/**
 * Partial sums over the voxel axis of a working tensor (`[N, X, V]` channels-first or `[N, V, X]`
 * channels-last, `X` the channel extent, C or 1) in chunks of at most 2048 voxels:
 * `[N, X, K]` or `[N, K, X]`. float32 accumulators (wasm, webgl) saturate above 2^24 terms; summing
 * short chunks on the device and the K partials in float64 on the host keeps full-size volumes
 * within 1e-7 relative of float64. Pads the voxel axis with zeros when V has no usable divisor.
 */
export function voxelPartialSums(summand: tf.Tensor, channelsFirst: boolean): tf.Tensor {
  return tf.tidy(() => {
    const [batch, second, third] = summand.shape as [number, number, number];
    const voxels = channelsFirst ? third : second;
    const extent = channelsFirst ? second : third;
    let size = chunkSize(voxels);
    let padded: tf.Tensor = summand;
    let paddedVoxels = voxels;
    if (size === 0) {
      size = CHUNK;
      paddedVoxels = Math.ceil(voxels / CHUNK) * CHUNK;
      const padding: Array<[number, number]> = channelsFirst
        ? [[0, 0], [0, 0], [0, paddedVoxels - voxels]]
        : [[0, 0], [0, paddedVoxels - voxels], [0, 0]];
      padded = tf.pad(summand, padding);
    }
    const chunks = paddedVoxels / size;
    if (channelsFirst) return tf.sum(tf.reshape(padded, [batch, extent, chunks, size]), 3);
    return tf.sum(tf.reshape(padded, [batch, chunks, size, extent]), 2);
  });
}

/** Sums the K partials of `voxelPartialSums` on the host in float64: `[N·X]`, index `n·X + x`. */
export function sumPartials(partials: Float32Array | Float64Array, shape: readonly number[], channelsFirst: boolean): Float64Array {
  const [batch, second, third] = shape as [number, number, number];
  const extent = channelsFirst ? second : third;
  const chunks = channelsFirst ? third : second;
  const sums = new Float64Array(batch * extent);
  for (let sample = 0; sample < batch; sample++) {
    for (let channel = 0; channel < extent; channel++) {
      let total = 0;
      for (let chunk = 0; chunk < chunks; chunk++) {
        const index = channelsFirst
          ? (sample * extent + channel) * chunks + chunk
          : (sample * chunks + chunk) * extent + channel;
        total += partials[index] as number;
      }
      sums[sample * extent + channel] = total;
    }
  }
  return sums;
}
