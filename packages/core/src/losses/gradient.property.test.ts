import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LossName, LossOptions } from '../options/option-types.js';
import { centralDifference, randomProblem, type RandomProblem } from '../test-support/random-problem.js';
import { computeLoss } from './compute-loss.js';

/** Property runs per loss; the closing note reports this number. */
export const RUNS_PER_LOSS = Number(process.env.DICEKIT_PROPERTY_RUNS ?? 200);

const smoothing = fc.constantFrom(0, 1e-5, 0.5);
/** 0 or a normal double in [min, max]: subnormal weights make finite differences meaningless. */
const unitOrZero = (min: number, max: number) => fc.oneof(fc.constant(0), fc.double({ min, max, noNaN: true }));

function sharedOptions(problem: RandomProblem) {
  const channels = problem.channels;
  return fc.record(
    {
      reduction: fc.constantFrom('mean', 'sum', 'none' as const),
      smoothNumerator: smoothing,
      smoothDenominator: smoothing,
      eps: fc.constantFrom(0, 1e-7),
      batchDice: fc.boolean(),
      includeBackground: channels > 1 ? fc.boolean() : fc.constant(true),
      classes: fc
        .subarray(Array.from({ length: channels }, (_, c) => c), { minLength: 1 })
        .filter((classes) => classes.some((c) => c !== 0) || channels === 1),
    },
    { requiredKeys: [] },
  );
}

function lossSpecificOptions(loss: LossName, problem: RandomProblem): fc.Arbitrary<Partial<LossOptions>> {
  const weights = fc.array(unitOrZero(0.01, 2), { minLength: problem.channels, maxLength: problem.channels });
  const diceOwn = {
    classWeights: weights,
    absentClasses: fc.constantFrom('keep', 'zero' as const),
    squared: fc.boolean(),
    softLabel: fc.boolean(),
    logLoss: fc.boolean(),
  };
  switch (loss) {
    case 'dice':
    case 'jaccard':
      return fc.record(diceOwn, { requiredKeys: [] });
    case 'tversky':
      return fc
        .record(
          {
            classWeights: weights,
            softLabel: fc.boolean(),
            alpha: unitOrZero(0.01, 1),
            beta: fc.double({ min: 0.05, max: 1, noNaN: true }),
            gamma: fc.constantFrom(0.75, 1, 1.5, 2),
            logLoss: fc.boolean(),
          },
          { requiredKeys: [] },
        )
        .map((options) => (options.logLoss ? { ...options, gamma: 1 } : options));
    case 'generalizedDice':
      return fc.record({ weightType: fc.constantFrom('square', 'simple', 'uniform' as const) }, { requiredKeys: [] });
    case 'logCoshDice':
      return fc.record({ classWeights: weights, squared: fc.boolean(), softLabel: fc.boolean() }, { requiredKeys: [] });
    case 'diceCE':
      return fc.record({ ...diceOwn, lambdaDice: fc.constantFrom(0, 0.5, 1), lambdaCE: fc.constantFrom(0, 1, 2) }, { requiredKeys: [] });
    case 'diceFocal':
      return fc.record(
        {
          ...diceOwn,
          lambdaDice: fc.constantFrom(0.5, 1),
          lambdaFocal: fc.constantFrom(1, 2),
          focalGamma: fc.constantFrom(0, 0.5, 2, 3),
          focalAlpha: problem.activation === 'sigmoid'
            ? unitOrZero(0.01, 1)
            : fc.array(unitOrZero(0.01, 1), { minLength: problem.channels, maxLength: problem.channels }),
        },
        { requiredKeys: [] },
      );
  }
}

const compound = (loss: LossName) => loss === 'diceCE' || loss === 'diceFocal';

function caseArbitrary(loss: LossName) {
  return randomProblem({ activations: compound(loss) ? ['sigmoid', 'softmax'] : ['none', 'sigmoid', 'softmax'] }).chain((problem) =>
    fc.tuple(fc.constant(problem), sharedOptions(problem), lossSpecificOptions(loss, problem), fc.array(fc.nat(), { minLength: 4, maxLength: 4 })),
  );
}

function evaluate(loss: LossName, problem: RandomProblem, options: LossOptions, input: Float64Array) {
  return computeLoss(
    loss,
    { shape: problem.inputShape, data: input },
    { shape: problem.targetShape, data: problem.target },
    {
      ...options,
      activation: problem.activation,
      layout: problem.layout,
      targetFormat: problem.targetFormat,
      mask: problem.mask === null ? undefined : { shape: problem.maskShape, data: problem.mask },
    },
    { gradient: true },
  );
}

const LOSSES: LossName[] = ['dice', 'jaccard', 'tversky', 'generalizedDice', 'logCoshDice', 'diceCE', 'diceFocal'];

describe('analytic gradients agree with central finite differences (float64)', () => {
  for (const loss of LOSSES) {
    it(`${loss}: ${RUNS_PER_LOSS} random shapes, layouts, target formats, masks and options`, () => {
      fc.assert(
        fc.property(caseArbitrary(loss), ([problem, shared, own, picks]) => {
          let options = { ...shared, ...own } as LossOptions;
          if (compound(loss) && options.reduction === 'none') options = { ...options, reduction: 'mean' };
          const input = Float64Array.from(problem.input);
          const result = evaluate(loss, problem, options, input);
          const total = (values: Float64Array) => values.reduce((sum, value) => sum + value, 0);
          expect(Array.from(result.loss.data).every(Number.isFinite)).toBe(true);
          const gradient = result.gradient!.data;
          const step = problem.activation === 'none' ? 1e-7 : 1e-6;
          for (const pick of picks) {
            const index = pick % input.length;
            const numeric = centralDifference((x) => total(evaluate(loss, problem, options, x).loss.data), input, index, step);
            const analytic = gradient[index] as number;
            // Rounding in f(x ± h) costs about ε·|f|/h: loss values far from 1 (a tiny eps
            // denominator with sN > sD) make the finite difference itself less precise.
            const roundingBound = (4e-16 * Math.abs(total(result.loss.data))) / step;
            expect(Math.abs(numeric - analytic)).toBeLessThanOrEqual(2e-6 + roundingBound + 1e-4 * Math.abs(analytic));
          }
          // The input is never modified.
          expect(input).toEqual(problem.input);
        }),
        { numRuns: RUNS_PER_LOSS, seed: Number(process.env.DICEKIT_PROPERTY_SEED ?? 20261126) },
      );
    });
  }
});
