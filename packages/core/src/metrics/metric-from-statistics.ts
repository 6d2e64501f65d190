import type { EmptyPolicy, MetricName } from '../options/option-types.js';
import { poolStatistics, type PairStatistics } from '../statistics/pair-statistics.js';
import type { Tensor64 } from '../tensor/tensor.js';
import { exactSum } from '../statistics/exact-sum.js';

/** Results of a hard metric (SPEC.md section 6), plus precision and recall from the same statistics. */
export interface MetricResult {
  /** `[N, C']`, or `[C']` with `batchDice`; NaN where the empty policy says so. */
  readonly scores: Tensor64;
  /** Mean of the non-NaN scores (NaN if none). */
  readonly mean: number;
  /** `[C']`: per class, the mean over samples of its non-NaN scores (NaN if none). */
  readonly perClass: Tensor64;
  /** How many scores are not NaN. */
  readonly counted: number;
  /** `I / P` per pair, same shape as `scores` (empty rule below). */
  readonly precision: Tensor64;
  /** `I / T` per pair, same shape as `scores`. */
  readonly recall: Tensor64;
  /** The binarised statistics `[N, C]` the scores come from. */
  readonly statistics: PairStatistics;
}

function emptyScore(policy: EmptyPolicy): number {
  return policy === 'nan' ? Number.NaN : policy === 'one' ? 1 : 0;
}

/**
 * One pair's score: dice `2I / (P + T)` or iou `I / (P + T - I)`, no smoothing. A pair with
 * `P + T = 0` scores by `emptyPolicy`; an empty target with a non-empty prediction scores 0.
 */
export function metricPairScore(metric: MetricName, intersection: number, prediction: number, target: number, policy: EmptyPolicy): number {
  const total = prediction + target;
  if (total === 0) return emptyScore(policy);
  return metric === 'dice' ? (2 * intersection) / total : intersection / (total - intersection);
}

/** `numerator / denominator`, by `policy` when the pair is empty, 0 when only the denominator is. */
function ratioOrPolicy(numerator: number, denominator: number, empty: boolean, policy: EmptyPolicy): number {
  if (empty) return emptyScore(policy);
  return denominator === 0 ? 0 : numerator / denominator;
}

/** Mean of the non-NaN entries (correctly rounded sum, order-independent), NaN if there is none. */
export function nanMean(values: ArrayLike<number>): number {
  const kept: number[] = [];
  for (let index = 0; index < values.length; index++) {
    const value = values[index] as number;
    if (!Number.isNaN(value)) kept.push(value);
  }
  // An exact sum, so that the mean does not depend on the order of the cases.
  return kept.length === 0 ? Number.NaN : exactSum(kept) / kept.length;
}

/**
 * Scores, means and counts from binarised statistics `[N, C]` over `classes` (pooled over the batch
 * with `batchDice`). Backends compute the statistics natively and call this.
 */
export function metricFromStatistics(
  options: { readonly metric: MetricName; readonly emptyPolicy: EmptyPolicy; readonly batchDice: boolean },
  classes: readonly number[],
  statistics: PairStatistics,
): MetricResult {
  const source = options.batchDice ? poolStatistics(statistics) : statistics;
  const rows = source.batch;
  const columns = classes.length;
  const scores = new Float64Array(rows * columns);
  const precision = new Float64Array(rows * columns);
  const recall = new Float64Array(rows * columns);
  for (let row = 0; row < rows; row++) {
    classes.forEach((channel, column) => {
      const index = row * source.channels + channel;
      const i = source.intersection[index] as number;
      const p = source.prediction[index] as number;
      const t = source.target[index] as number;
      const empty = p + t === 0;
      scores[row * columns + column] = metricPairScore(options.metric, i, p, t, options.emptyPolicy);
      precision[row * columns + column] = ratioOrPolicy(i, p, empty, options.emptyPolicy);
      recall[row * columns + column] = ratioOrPolicy(i, t, empty, options.emptyPolicy);
    });
  }
  const perClass = new Float64Array(columns);
  for (let column = 0; column < columns; column++) {
    const values: number[] = [];
    for (let row = 0; row < rows; row++) values.push(scores[row * columns + column] as number);
    perClass[column] = nanMean(values);
  }
  let counted = 0;
  for (const score of scores) if (!Number.isNaN(score)) counted++;
  const shape = options.batchDice ? [columns] : [rows, columns];
  return {
    scores: { shape, data: scores },
    mean: nanMean(scores),
    perClass: { shape: [columns], data: perClass },
    counted,
    precision: { shape, data: precision },
    recall: { shape, data: recall },
    statistics,
  };
}
