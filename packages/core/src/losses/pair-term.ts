/**
 * A per-pair loss and its partial derivatives with respect to the statistics
 * `I` (intersection), `P` (prediction sum) and `T` (target sum) of SPEC.md section 3.
 */
export interface PairTerm {
  value: number;
  dIntersection: number;
  dPrediction: number;
  dTarget: number;
}

/** A pair that counts as a perfect score: loss 0 and zero partials. */
export const PERFECT_PAIR: Readonly<PairTerm> = Object.freeze({ value: 0, dIntersection: 0, dPrediction: 0, dTarget: 0 });

/** A score `s = numerator / max(denominator, eps)` with its partials, or null where the denominator is 0. */
export interface Score {
  value: number;
  dIntersection: number;
  dPrediction: number;
  dTarget: number;
}

/**
 * `s = n / max(d, eps)` where `n` and `d` are affine in `(I, P, T)` with the given coefficients.
 * Returns null when `max(d, eps) = 0`: SPEC.md section 4 counts that ratio as a perfect score
 * (loss 0, zero gradient). Where `eps` wins the max, the denominator is a constant.
 */
export function smoothedRatio(
  numerator: number,
  numeratorPartials: readonly [number, number, number],
  denominator: number,
  denominatorPartials: readonly [number, number, number],
  eps: number,
): Score | null {
  const used = Math.max(denominator, eps);
  if (used === 0) return null;
  const value = numerator / used;
  const denominatorLive = denominator >= eps ? 1 : 0;
  const quotient = (denominatorLive * numerator) / (used * used);
  return {
    value,
    dIntersection: numeratorPartials[0] / used - quotient * denominatorPartials[0],
    dPrediction: numeratorPartials[1] / used - quotient * denominatorPartials[1],
    dTarget: numeratorPartials[2] / used - quotient * denominatorPartials[2],
  };
}

/** The floor of `logLoss`: `eps` when positive, else 1e-12 (SPEC.md section 4). */
export function logFloor(eps: number): number {
  return eps > 0 ? eps : 1e-12;
}

/**
 * Turns a score into a pair loss: `1 - s`, or `-log(max(s, floor))` with `logLoss`
 * (zero gradient where the floor wins).
 */
export function lossFromScore(score: Score | null, logLoss: boolean, eps: number): PairTerm {
  if (score === null) return { ...PERFECT_PAIR };
  if (!Number.isFinite(score.value)) {
    // A subnormal denominator with a larger numerator (sN > sD) overflows the ratio: the loss is
    // flat there, so it keeps the largest finite score and a zero gradient, never Infinity.
    return { value: logLoss ? -Math.log(Number.MAX_VALUE) : 1 - Number.MAX_VALUE, dIntersection: 0, dPrediction: 0, dTarget: 0 };
  }
  let value: number;
  let slope: number;
  if (logLoss) {
    const floor = logFloor(eps);
    value = -Math.log(Math.max(score.value, floor));
    slope = score.value > floor ? -1 / score.value : 0;
  } else {
    value = 1 - score.value;
    slope = -1;
  }
  return {
    value,
    dIntersection: slope * score.dIntersection,
    dPrediction: slope * score.dPrediction,
    dTarget: slope * score.dTarget,
  };
}
