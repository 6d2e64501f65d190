import { computeMetric, MetricAccumulator, type MetricName, type MetricResult } from '@dicekit/core';
import { accumulatorOptions, type ScoringOptions } from '../report/scoring-options.js';

/** One-hot `[1, C, V]` float64 input from predicted labels (what core's metrics take as predictions). */
export function oneHot(labels: ArrayLike<number>, channels: number): { shape: number[]; data: Float64Array } {
  const voxels = labels.length;
  const data = new Float64Array(channels * voxels);
  for (let voxel = 0; voxel < voxels; voxel++) data[(labels[voxel] as number) * voxels + voxel] = 1;
  return { shape: [1, channels, voxels], data };
}

/** Core's float64 reference for one case: `computeMetric` on the one-hot prediction and the label map. */
export function coreCaseMetric(metric: MetricName, prediction: ArrayLike<number>, groundTruth: ArrayLike<number>, scoring: ScoringOptions): MetricResult {
  return computeMetric(metric, oneHot(prediction, scoring.channels), { shape: [1, groundTruth.length], data: Int32Array.from(groundTruth) }, accumulatorOptions(scoring));
}

/** Core's accumulator fed case by case through `update` (its own statistics pass). */
export function coreAccumulator(metric: MetricName, cases: ReadonlyArray<{ id: string; prediction: ArrayLike<number>; groundTruth: ArrayLike<number> }>, scoring: ScoringOptions): MetricAccumulator {
  const accumulator = new MetricAccumulator(metric, accumulatorOptions(scoring));
  for (const item of cases) {
    accumulator.update(oneHot(item.prediction, scoring.channels), { shape: [1, item.groundTruth.length], data: Int32Array.from(item.groundTruth) }, { caseIds: [item.id] });
  }
  return accumulator;
}

/** |a - e| <= 1e-12 |e| (or both NaN): the acceptance tolerance for scores. */
export function closeRelative(actual: number, expected: number): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  return Math.abs(actual - expected) <= 1e-12 * Math.abs(expected);
}
