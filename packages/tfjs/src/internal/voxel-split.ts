/** Longest run of voxels one tf reduction sums: short enough for float32 accumulators. */
export const VOXEL_CHUNK = 2048;

/** webgl's packed shaders read an axis coordinate through float32: exact only below 2^24. */
const COORDINATE_LIMIT = 2 ** 24;

/**
 * Splits the V voxels of a pair into two axes `rows × size` (`V = rows · size` exactly, a reshape
 * only): `size` is the largest divisor of V that is at most {@link VOXEL_CHUNK} (V itself when
 * `V <= 2048`), unless that leaves `rows >= 2^24` (V above 2^24 without a divisor in
 * [V / 2^24, 2048]); then `size` is the smallest divisor of V that brings `rows` below 2^24, if both
 * axes can be kept below 2^24, else `size` stays the largest divisor <= 2048 (1 for a prime V).
 *
 * Why two axes: webgl's packed shaders (WEBGL_PACK, on by default) turn the coordinates of the last
 * two axes into float32 to pick a texel channel, so a coordinate at or above 2^24 = 16,777,216 reads
 * the wrong element; a working tensor `[N, C, V]` with V > 2^24 gave elementwise results that were
 * wrong from voxel 2^24 on. Split, every coordinate stays below 2^24 (any volume whose sides are
 * below 2^24), and the `size` axis is also the chunk the partial sums reduce (`voxelPartialSums`).
 */
export function voxelSplit(voxels: number): { readonly rows: number; readonly size: number } {
  if (voxels <= VOXEL_CHUNK) return { rows: 1, size: voxels };
  let size = VOXEL_CHUNK;
  while (voxels % size !== 0) size--;
  if (voxels / size < COORDINATE_LIMIT) return { rows: voxels / size, size };
  // Rare: search the divisor pairs (d, V / d) around sqrt(V) for the smallest size >= V / 2^24.
  const root = Math.floor(Math.sqrt(voxels));
  for (let candidate = Math.max(VOXEL_CHUNK + 1, Math.ceil(voxels / (COORDINATE_LIMIT - 1))); candidate <= root; candidate++) {
    if (voxels % candidate === 0) return { rows: voxels / candidate, size: candidate };
  }
  for (let rows = root; rows >= 1; rows--) {
    if (voxels % rows === 0 && voxels / rows < COORDINATE_LIMIT) return { rows, size: voxels / rows };
  }
  return { rows: voxels / size, size };
}
