import type { DicePairOptions } from '../dice/dice-pair.js';
import { lossFromScore, smoothedRatio, type PairTerm } from '../pair-term.js';

/**
 * Jaccard (IoU) loss of one pair: `1 - (I + sN) / (P + T - I + sD)`, or `-log(score)` with `logLoss`
 * (SPEC.md section 4).
 */
export function jaccardPair(intersection: number, prediction: number, target: number, options: DicePairOptions): PairTerm {
  const score = smoothedRatio(
    intersection + options.smoothNumerator,
    [1, 0, 0],
    prediction + target - intersection + options.smoothDenominator,
    [-1, 1, 1],
    options.eps,
  );
  return lossFromScore(score, options.logLoss, options.eps);
}
