import type { WeightType } from '../../options/option-types.js';

/** Options of the generalized Dice sample formula. */
export interface GeneralizedDiceOptions {
  readonly weightType: WeightType;
  readonly smoothNumerator: number;
  readonly smoothDenominator: number;
  readonly eps: number;
}

/**
 * The class weights of generalized Dice for one sample (or the pooled batch): `1/T²` (`'square'`),
 * `1/T` (`'simple'`) or 1 (`'uniform'`). An infinite weight (absent class) becomes the largest finite
 * weight among the included classes, or 1 where every included class is absent (SPEC.md section 4).
 */
export function generalizedDiceWeights(targets: readonly number[], weightType: WeightType): number[] {
  const raw = targets.map((target) =>
    weightType === 'uniform' ? 1 : weightType === 'simple' ? 1 / target : 1 / (target * target),
  );
  let largestFinite = -Infinity;
  for (const weight of raw) if (Number.isFinite(weight) && weight > largestFinite) largestFinite = weight;
  const replacement = Number.isFinite(largestFinite) ? largestFinite : 1;
  return raw.map((weight) => (Number.isFinite(weight) ? weight : replacement));
}

/**
 * Generalized Dice loss (Sudre et al. 2017) of one sample over its included classes:
 * `1 - (2 Σ_c w_c I_c + sN) / max(Σ_c w_c (P_c + T_c) + sD, eps)`, with the weights held constant
 * (no gradient flows through them). Returns the loss and its partials per class.
 */
export function generalizedDiceSample(
  intersections: readonly number[],
  predictions: readonly number[],
  targets: readonly number[],
  options: GeneralizedDiceOptions,
): { value: number; dIntersection: number[]; dPrediction: number[]; dTarget: number[] } {
  const weights = generalizedDiceWeights(targets, options.weightType);
  let numerator = options.smoothNumerator;
  let denominator = options.smoothDenominator;
  weights.forEach((weight, index) => {
    numerator += 2 * weight * (intersections[index] as number);
    denominator += weight * ((predictions[index] as number) + (targets[index] as number));
  });
  const used = Math.max(denominator, options.eps);
  const zeros = () => weights.map(() => 0);
  if (used === 0) return { value: 0, dIntersection: zeros(), dPrediction: zeros(), dTarget: zeros() };
  const live = denominator >= options.eps ? 1 : 0;
  const quotient = (live * numerator) / (used * used);
  return {
    value: 1 - numerator / used,
    dIntersection: weights.map((weight) => (-2 * weight) / used),
    dPrediction: weights.map((weight) => quotient * weight),
    dTarget: weights.map((weight) => quotient * weight),
  };
}
