import type { DicePairOptions } from '../dice/dice-pair.js';
import { PERFECT_PAIR, lossFromScore, smoothedRatio, type PairTerm } from '../pair-term.js';

/** Options of the Tversky pair formula. */
export interface TverskyPairOptions extends DicePairOptions {
  /** Weight of false positives `FP = P - I`. */
  readonly alpha: number;
  /** Weight of false negatives `FN = T - I`. */
  readonly beta: number;
  /** Focal exponent (focal Tversky of Abraham & Khan: 0.75). */
  readonly gamma: number;
}

/**
 * Tversky loss of one pair: `max(1 - TI, 0)^gamma` with
 * `TI = (I + sN) / (I + alpha·FP + beta·FN + sD)`; `-log(TI)` with `logLoss` (gamma 1). Where the base
 * of the power is 0 the loss and its gradient are 0 (SPEC.md section 4).
 */
export function tverskyPair(intersection: number, prediction: number, target: number, options: TverskyPairOptions): PairTerm {
  const { alpha, beta, gamma } = options;
  // I + α(P - I) + β(T - I) + sD = (1 - α - β)·I + α·P + β·T + sD
  const score = smoothedRatio(
    intersection + options.smoothNumerator,
    [1, 0, 0],
    (1 - alpha - beta) * intersection + alpha * prediction + beta * target + options.smoothDenominator,
    [1 - alpha - beta, alpha, beta],
    options.eps,
  );
  if (options.logLoss || score === null) return lossFromScore(score, options.logLoss, options.eps);
  const base = 1 - score.value;
  if (base <= 0) return { ...PERFECT_PAIR };
  const value = gamma === 1 ? base : Math.pow(base, gamma);
  const slope = gamma === 1 ? -1 : -gamma * Math.pow(base, gamma - 1);
  return {
    value,
    dIntersection: slope * score.dIntersection,
    dPrediction: slope * score.dPrediction,
    dTarget: slope * score.dTarget,
  };
}
