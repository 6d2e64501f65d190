import { DiceKitError } from '../errors/dicekit-error.js';

/**
 * The statistics of SPEC.md section 3 per sample `n` and channel `c` (index `n·C + c`), for ALL `C`
 * channels. They are sums over voxels, so they are additive: the statistics of concatenated data are
 * the sums of the parts' statistics (what streaming, worker and multi-machine evaluation rely on).
 */
export interface PairStatistics {
  readonly batch: number;
  readonly channels: number;
  /** `Σ m p t` (plain or squared; soft-label losses derive their I from the other sums). */
  readonly intersection: Float64Array;
  /** `Σ m p`, or `Σ m p²` when `squared`. */
  readonly prediction: Float64Array;
  /** `Σ m t`, or `Σ m t²` when `squared`. */
  readonly target: Float64Array;
  /** `Σ m |p - t|`, kept only for `softLabel` without `squared`. */
  readonly absoluteDifference: Float64Array | null;
}

/** Which sums a loss needs: squared sums (V-Net) and the soft-label `Σ m |p - t|`. */
export interface StatisticsKind {
  readonly squared: boolean;
  readonly absoluteDifference: boolean;
}

/** The statistics kind of resolved loss options (metrics use the plain kind). */
export function statisticsKindOf(options: { squared?: boolean; softLabel?: boolean; loss?: string }): StatisticsKind {
  const squared = options.squared === true;
  return { squared, absoluteDifference: options.softLabel === true && !squared };
}

/** Zeroed statistics for `batch` samples and `channels` channels, with the sums `kind` needs. */
export function createStatistics(batch: number, channels: number, kind: StatisticsKind): PairStatistics {
  const size = batch * channels;
  return {
    batch,
    channels,
    intersection: new Float64Array(size),
    prediction: new Float64Array(size),
    target: new Float64Array(size),
    absoluteDifference: kind.absoluteDifference ? new Float64Array(size) : null,
  };
}

/**
 * The intersection `I` the formulas use: `Σ m p t`, or with soft labels (not squared)
 * `(P + T - Σ m|p - t|) / 2` (Wang & Blaschko 2023), equal to the plain one for hard targets.
 */
export function effectiveIntersection(statistics: PairStatistics, index: number): number {
  if (statistics.absoluteDifference === null) return statistics.intersection[index] as number;
  return (
    ((statistics.prediction[index] as number) +
      (statistics.target[index] as number) -
      (statistics.absoluteDifference[index] as number)) /
    2
  );
}

/** Sums over the batch: per-class statistics pooled into one sample (`batchDice`). */
export function poolStatistics(statistics: PairStatistics): PairStatistics {
  const { batch, channels } = statistics;
  const pooled = createStatistics(1, channels, { squared: false, absoluteDifference: statistics.absoluteDifference !== null });
  const pairs: Array<[Float64Array, Float64Array | null]> = [
    [pooled.intersection, statistics.intersection],
    [pooled.prediction, statistics.prediction],
    [pooled.target, statistics.target],
    [pooled.absoluteDifference as Float64Array, statistics.absoluteDifference],
  ];
  for (const [into, from] of pairs) {
    if (from === null) continue;
    for (let sample = 0; sample < batch; sample++) {
      for (let channel = 0; channel < channels; channel++) {
        into[channel] = (into[channel] as number) + (from[sample * channels + channel] as number);
      }
    }
  }
  return pooled;
}

/** Adds `from` into `into` element by element (same batch and channels): merging shards of one sample set. */
export function addStatisticsInto(into: PairStatistics, from: PairStatistics): void {
  if (into.batch !== from.batch || into.channels !== from.channels) {
    throw new DiceKitError('E_SHAPE', `cannot add statistics of [${from.batch}, ${from.channels}] into [${into.batch}, ${into.channels}]`);
  }
  const fields = ['intersection', 'prediction', 'target', 'absoluteDifference'] as const;
  for (const field of fields) {
    const target = into[field];
    const source = from[field];
    if (target === null || source === null) continue;
    for (let index = 0; index < target.length; index++) target[index] = (target[index] as number) + (source[index] as number);
  }
}
