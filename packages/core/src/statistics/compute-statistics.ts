import type { Geometry } from '../geometry/geometry.js';
import { inputIndex } from '../geometry/geometry.js';
import type { VoxelAccess } from '../geometry/voxel-access.js';
import { createStatistics, type PairStatistics, type StatisticsKind } from './pair-statistics.js';

/**
 * The reference statistics pass (SPEC.md section 3): per sample and channel,
 * `I = Σ m p t`, `P = Σ m p` (or `Σ m p²`), `T = Σ m t` (or `Σ m t²`) and, for soft labels,
 * `Σ m |p - t|`, accumulated in float64. `probabilities` are in the input's layout.
 */
export function computeStatistics(
  kind: StatisticsKind,
  geometry: Geometry,
  probabilities: ArrayLike<number>,
  access: VoxelAccess,
): PairStatistics {
  const { batch, channels, voxels } = geometry;
  const statistics = createStatistics(batch, channels, kind);
  for (let sample = 0; sample < batch; sample++) {
    for (let channel = 0; channel < channels; channel++) {
      let intersection = 0;
      let prediction = 0;
      let target = 0;
      let difference = 0;
      for (let voxel = 0; voxel < voxels; voxel++) {
        const weight = access.weight(sample, voxel);
        if (weight === 0) continue;
        const p = probabilities[inputIndex(geometry, sample, channel, voxel)] as number;
        const t = access.target(sample, channel, voxel);
        intersection += weight * p * t;
        prediction += kind.squared ? weight * p * p : weight * p;
        target += kind.squared ? weight * t * t : weight * t;
        if (kind.absoluteDifference) difference += weight * Math.abs(p - t);
      }
      const index = sample * channels + channel;
      statistics.intersection[index] = intersection;
      statistics.prediction[index] = prediction;
      statistics.target[index] = target;
      if (statistics.absoluteDifference !== null) statistics.absoluteDifference[index] = difference;
    }
  }
  return statistics;
}
