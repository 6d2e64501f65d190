import { lossFromScore, smoothedRatio, type PairTerm } from '../pair-term.js';

/** Smoothing and flags of the Dice pair formula. */
export interface DicePairOptions {
  readonly smoothNumerator: number;
  readonly smoothDenominator: number;
  readonly eps: number;
  readonly logLoss: boolean;
}

/** Dice score `(2I + sN) / max(P + T + sD, eps)` with its partials, or null for a zero denominator. */
export function diceScore(intersection: number, prediction: number, target: number, options: DicePairOptions) {
  return smoothedRatio(
    2 * intersection + options.smoothNumerator,
    [2, 0, 0],
    prediction + target + options.smoothDenominator,
    [0, 1, 1],
    options.eps,
  );
}

/**
 * Dice loss of one pair: `1 - (2I + sN) / (P + T + sD)`, or `-log(score)` with `logLoss`
 * (SPEC.md section 4).
 */
export function dicePair(intersection: number, prediction: number, target: number, options: DicePairOptions): PairTerm {
  return lossFromScore(diceScore(intersection, prediction, target, options), options.logLoss, options.eps);
}
