import type { ResolvedLossOptions } from '../options/option-types.js';
import { effectiveIntersection, poolStatistics, type PairStatistics } from '../statistics/pair-statistics.js';
import type { Tensor64 } from '../tensor/tensor.js';
import { dicePair } from './dice/dice-pair.js';
import { generalizedDiceSample } from './generalized-dice/generalized-dice-sample.js';
import { jaccardPair } from './jaccard/jaccard-pair.js';
import { logCoshDicePair } from './log-cosh-dice/log-cosh-dice-pair.js';
import type { PairTerm } from './pair-term.js';
import { tverskyPair } from './tversky/tversky-pair.js';

/**
 * The Dice-family part of a loss, computed from the statistics alone (O(N·C) scalars):
 * the per-pair matrix, its reduction, and the derivative of the reduced value with respect to every
 * unpooled statistic `(n, c)`. This is the seam every backend reuses: backends compute the statistics
 * their own way and hand them here.
 */
export interface DiceTermResult {
  /** `L[n, c]` after `absentClasses` and `classWeights`: `[N, C']`, `[C']` with batchDice, `[N]`/`[1]` for generalizedDice. */
  readonly matrix: Tensor64;
  /** The reduced value (`'mean'`, `'sum'`) or the matrix (`'none'`). */
  readonly value: Tensor64;
  /** `d value / d I[n, c]` for all N·C pairs (0 for dropped channels); for `'none'`, of the sum of the entries. */
  readonly dIntersection: Float64Array;
  readonly dPrediction: Float64Array;
  readonly dTarget: Float64Array;
}

type PairFunction = (intersection: number, prediction: number, target: number) => PairTerm;

function pairFunction(options: ResolvedLossOptions): PairFunction {
  switch (options.loss) {
    case 'jaccard':
      return (i, p, t) => jaccardPair(i, p, t, options);
    case 'tversky':
      return (i, p, t) => tverskyPair(i, p, t, options);
    case 'logCoshDice':
      return (i, p, t) => logCoshDicePair(i, p, t, options);
    default:
      return (i, p, t) => dicePair(i, p, t, options);
  }
}

/**
 * Evaluates the Dice term of `options.loss` on `statistics` (unpooled, `[N, C]`) over `classes`.
 * `scale` multiplies the value and its derivatives (`lambdaDice` for compound losses).
 */
export function diceTermFromStatistics(
  options: ResolvedLossOptions,
  classes: readonly number[],
  statistics: PairStatistics,
  scale = 1,
): DiceTermResult {
  const { batch, channels } = statistics;
  const pooled = options.batchDice ? poolStatistics(statistics) : statistics;
  const rows = pooled.batch;
  const generalized = options.loss === 'generalizedDice';
  const columns = generalized ? 1 : classes.length;
  const matrix = new Float64Array(rows * columns);
  // Partials of each matrix entry's (weighted) loss w.r.t. the pooled statistics, [rows, C].
  const partialI = new Float64Array(rows * channels);
  const partialP = new Float64Array(rows * channels);
  const partialT = new Float64Array(rows * channels);

  if (generalized) {
    for (let row = 0; row < rows; row++) {
      const indices = classes.map((channel) => row * channels + channel);
      const sample = generalizedDiceSample(
        indices.map((index) => effectiveIntersection(pooled, index)),
        indices.map((index) => pooled.prediction[index] as number),
        indices.map((index) => pooled.target[index] as number),
        options,
      );
      matrix[row] = sample.value;
      indices.forEach((index, k) => {
        partialI[index] = sample.dIntersection[k] as number;
        partialP[index] = sample.dPrediction[k] as number;
        partialT[index] = sample.dTarget[k] as number;
      });
    }
  } else {
    const pair = pairFunction(options);
    for (let row = 0; row < rows; row++) {
      classes.forEach((channel, column) => {
        const index = row * channels + channel;
        const target = pooled.target[index] as number;
        if (options.absentClasses === 'zero' && target === 0) return;
        const term = pair(effectiveIntersection(pooled, index), pooled.prediction[index] as number, target);
        const weight = options.classWeights === null ? 1 : (options.classWeights[channel] as number);
        matrix[row * columns + column] = weight * term.value;
        partialI[index] = weight * term.dIntersection;
        partialP[index] = weight * term.dPrediction;
        partialT[index] = weight * term.dTarget;
      });
    }
  }

  let upstream = scale;
  let value: Tensor64;
  const matrixShape = generalized ? [rows] : options.batchDice ? [columns] : [rows, columns];
  if (options.reduction === 'none') {
    value = { shape: matrixShape, data: matrix.map((entry) => scale * entry) };
  } else {
    let sum = 0;
    for (const entry of matrix) sum += entry;
    if (options.reduction === 'mean') {
      upstream = scale / matrix.length;
      value = { shape: [], data: Float64Array.of((scale * sum) / matrix.length) };
    } else {
      value = { shape: [], data: Float64Array.of(scale * sum) };
    }
  }

  // Broadcast pooled partials back to every sample: d/dI[n, c] = d/dI_pooled[c] when pooled.
  const dIntersection = new Float64Array(batch * channels);
  const dPrediction = new Float64Array(batch * channels);
  const dTarget = new Float64Array(batch * channels);
  for (let sample = 0; sample < batch; sample++) {
    const row = options.batchDice ? 0 : sample;
    for (let channel = 0; channel < channels; channel++) {
      const from = row * channels + channel;
      const to = sample * channels + channel;
      dIntersection[to] = upstream * (partialI[from] as number);
      dPrediction[to] = upstream * (partialP[from] as number);
      dTarget[to] = upstream * (partialT[from] as number);
    }
  }
  return { matrix: { shape: matrixShape, data: matrix }, value, dIntersection, dPrediction, dTarget };
}
