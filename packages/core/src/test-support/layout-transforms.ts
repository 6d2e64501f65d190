/** Transposes channels-first `[N, C, ...spatial]` data to channels-last `[N, ...spatial, C]`. */
export function toChannelsLast(data: ArrayLike<number>, batch: number, channels: number, voxels: number): Float64Array {
  const out = new Float64Array(batch * channels * voxels);
  for (let n = 0; n < batch; n++) {
    for (let c = 0; c < channels; c++) {
      for (let v = 0; v < voxels; v++) out[(n * voxels + v) * channels + c] = data[(n * channels + c) * voxels + v] as number;
    }
  }
  return out;
}

/** One-hot (channels-first) of a label map; `ignoreIndex` voxels get all-zero rows. */
export function oneHot(labels: ArrayLike<number>, batch: number, channels: number, voxels: number, ignoreIndex?: number): Float64Array {
  const out = new Float64Array(batch * channels * voxels);
  for (let n = 0; n < batch; n++) {
    for (let v = 0; v < voxels; v++) {
      const label = labels[n * voxels + v] as number;
      if (label === ignoreIndex) continue;
      if (channels === 1) out[n * voxels + v] = label;
      else out[(n * channels + label) * voxels + v] = 1;
    }
  }
  return out;
}
