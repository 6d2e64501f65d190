import { diceScore, type DicePairOptions } from '../dice/dice-pair.js';
import { PERFECT_PAIR, type PairTerm } from '../pair-term.js';

/** `log(cosh(x))` without overflow: `|x| + log1p(e^{-2|x|}) - log 2`. */
export function logCosh(x: number): number {
  const magnitude = Math.abs(x);
  return magnitude + Math.log1p(Math.exp(-2 * magnitude)) - Math.LN2;
}

/** Log-cosh Dice loss of one pair (Jadon 2020): `log(cosh(diceLoss))`; its slope is `tanh(diceLoss)`. */
export function logCoshDicePair(
  intersection: number,
  prediction: number,
  target: number,
  options: Omit<DicePairOptions, 'logLoss'>,
): PairTerm {
  const score = diceScore(intersection, prediction, target, { ...options, logLoss: false });
  if (score === null) return { ...PERFECT_PAIR };
  const diceLoss = 1 - score.value;
  const slope = -Math.tanh(diceLoss);
  return {
    value: logCosh(diceLoss),
    dIntersection: slope * score.dIntersection,
    dPrediction: slope * score.dPrediction,
    dTarget: slope * score.dTarget,
  };
}
