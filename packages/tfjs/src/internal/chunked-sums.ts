import * as tf from '@tensorflow/tfjs-core';
import { VOXEL_CHUNK } from './voxel-split.js';

/** Above this many partials per (sample, channel), the partials are summed again in chunks (fewer to download). */
const MAX_CHUNKS = 16384;

/**
 * Partial sums over the voxel axes of a working tensor (`[N, X, R, S]` channels-first or
 * `[N, R, S, X]` channels-last, `X` the channel extent, C or 1, `R × S` the voxels split by
 * `voxelSplit`): `[N, X, K]` or `[N, K, X]`. float32 accumulators (wasm, webgl) saturate above 2^24
 * terms; summing short chunks on the device and the K partials in float64 on the host keeps
 * full-size volumes within 1e-7 relative of float64.
 *
 * The chunk is the `S` axis (at most 2048 voxels, longer only for the rare V above 2^24 whose
 * divisors <= 2048 leave 2^24 rows or more, see `voxelSplit`), so `K = R`. When S is small and R above 16384
 * (V without a divisor in [V / 16384, 2048]), the R row sums are summed again in zero-padded
 * chunks of 2048, `K = ceil(R / 2048)`, to keep the download short.
 */
export function voxelPartialSums(summand: tf.Tensor, channelsFirst: boolean): tf.Tensor {
  return tf.tidy(() => {
    const [batch, second, third, fourth] = summand.shape as [number, number, number, number];
    const rows = channelsFirst ? third : second;
    const size = channelsFirst ? fourth : third;
    const extent = channelsFirst ? second : fourth;
    const rowSums = tf.sum(summand, channelsFirst ? 3 : 2);
    if (rows <= MAX_CHUNKS || size === VOXEL_CHUNK) return rowSums;
    const paddedRows = Math.ceil(rows / VOXEL_CHUNK) * VOXEL_CHUNK;
    const chunks = paddedRows / VOXEL_CHUNK;
    if (channelsFirst) {
      const padded = tf.pad(rowSums, [[0, 0], [0, 0], [0, paddedRows - rows]]);
      return tf.sum(tf.reshape(padded, [batch, extent, chunks, VOXEL_CHUNK]), 3);
    }
    const padded = tf.pad(rowSums, [[0, 0], [0, paddedRows - rows], [0, 0]]);
    return tf.sum(tf.reshape(padded, [batch, chunks, VOXEL_CHUNK, extent]), 2);
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
