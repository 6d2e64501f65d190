import { createStatistics, type PairStatistics, type StatisticsKind } from '@dicekit/core';
import * as tf from '@tensorflow/tfjs-core';
import { sumPartials, voxelPartialSums } from './chunked-sums.js';
import type { HostReader } from './host-reader.js';

/** Slots of the queued statistics partial sums. */
export interface StatisticsSlots {
  readonly intersection: number;
  readonly prediction: number;
  readonly target: number;
  readonly absoluteDifference: number;
}

function weighted(values: tf.Tensor, weight: tf.Tensor | null): tf.Tensor {
  return weight === null ? values : tf.mul(values, weight);
}

/**
 * Queues the partial sums of SPEC.md section 3 on `reader`: `I = Σ m p t`, `P = Σ m p` (`Σ m p²`
 * squared), `T = Σ m t` (`Σ m t²`), and `Σ m |p - t|` for soft labels; call inside `tf.tidy`.
 */
export function queueStatistics(
  reader: HostReader,
  kind: StatisticsKind,
  probabilities: tf.Tensor,
  target: tf.Tensor,
  weight: tf.Tensor | null,
  channelsFirst: boolean,
): StatisticsSlots {
  const weightedTarget = weighted(target, weight);
  const predictionTerm = kind.squared ? tf.square(probabilities) : probabilities;
  const targetTerm = kind.squared ? tf.mul(weightedTarget, target) : weightedTarget;
  return {
    intersection: kind.absoluteDifference ? -1 : reader.add(voxelPartialSums(tf.mul(probabilities, weightedTarget), channelsFirst)),
    prediction: reader.add(voxelPartialSums(weighted(predictionTerm, weight), channelsFirst)),
    target: reader.add(voxelPartialSums(targetTerm, channelsFirst)),
    absoluteDifference: kind.absoluteDifference
      ? reader.add(voxelPartialSums(weighted(tf.abs(tf.sub(probabilities, target)), weight), channelsFirst))
      : -1,
  };
}

/** Reads the queued statistics back as float64 `[N, C]` sums (after `reader.download()`). */
export function readStatistics(
  reader: HostReader,
  slots: StatisticsSlots,
  batch: number,
  channels: number,
  kind: StatisticsKind,
  channelsFirst: boolean,
): PairStatistics {
  const statistics = createStatistics(batch, channels, kind);
  const fill = (into: Float64Array, slot: number) => {
    if (slot < 0) return;
    into.set(sumPartials(reader.read(slot), reader.shape(slot), channelsFirst));
  };
  fill(statistics.intersection, slots.intersection);
  fill(statistics.prediction, slots.prediction);
  fill(statistics.target, slots.target);
  if (statistics.absoluteDifference !== null) fill(statistics.absoluteDifference, slots.absoluteDifference);
  if (kind.absoluteDifference) {
    // Soft-label losses read I from P, T and Σ m|p - t|; keep the plain field consistent for callers.
    for (let index = 0; index < statistics.intersection.length; index++) {
      statistics.intersection[index] =
        ((statistics.prediction[index] as number) + (statistics.target[index] as number) - (statistics.absoluteDifference?.[index] as number)) / 2;
    }
  }
  return statistics;
}
