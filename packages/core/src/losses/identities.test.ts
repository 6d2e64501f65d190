import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeStatistics } from '../statistics/compute-statistics.js';
import { addStatisticsInto } from '../statistics/pair-statistics.js';
import { geometryOf } from '../geometry/geometry.js';
import { voxelAccess } from '../geometry/voxel-access.js';
import { oneHot, toChannelsLast } from '../test-support/layout-transforms.js';
import { randomProblem, type RandomProblem } from '../test-support/random-problem.js';
import { computeLoss } from './compute-loss.js';
import type { LossName, LossOptions } from '../options/option-types.js';

const RUNS = 100;

function closeArrays(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-12, atol = 1e-14): void {
  expect(actual.length).toBe(expected.length);
  for (let index = 0; index < expected.length; index++) {
    const e = expected[index] as number;
    const a = actual[index] as number;
    expect(Math.abs(a - e), `element ${index}: ${a} vs ${e}`).toBeLessThanOrEqual(atol + rtol * Math.abs(e));
  }
}

function run(loss: LossName, problem: RandomProblem, options: LossOptions = {}) {
  return computeLoss(
    loss,
    { shape: problem.inputShape, data: problem.input },
    { shape: problem.targetShape, data: problem.target },
    {
      activation: problem.activation,
      layout: problem.layout,
      targetFormat: problem.targetFormat,
      mask: problem.mask === null ? undefined : { shape: problem.maskShape, data: problem.mask },
      ...options,
    },
    { gradient: true },
  );
}

describe('identities between the variants (SPEC.md section 4)', () => {
  // TI(0.5, 0.5) = (I + sN) / ((P + T) / 2 + sD): Dice with doubled smoothing terms.
  it('tversky with alpha = beta = 0.5 is dice (smoothing doubled), value and gradient', () => {
    fc.assert(
      fc.property(randomProblem(), fc.boolean(), fc.boolean(), (problem, batchDice, softLabel) => {
        const options = { batchDice, softLabel, reduction: 'none' as const };
        const tversky = run('tversky', problem, { ...options, alpha: 0.5, beta: 0.5 });
        const dice = run('dice', problem, { ...options, smoothNumerator: 2e-5, smoothDenominator: 2e-5 });
        closeArrays(tversky.loss.data, dice.loss.data);
        closeArrays(tversky.gradient!.data, dice.gradient!.data);
      }),
      { numRuns: RUNS, seed: 1 },
    );
  });

  it('tversky with alpha = beta = 1 is jaccard, value and gradient', () => {
    fc.assert(
      fc.property(randomProblem(), fc.boolean(), (problem, batchDice) => {
        const tversky = run('tversky', problem, { batchDice, alpha: 1, beta: 1, reduction: 'sum' });
        const jaccard = run('jaccard', problem, { batchDice, reduction: 'sum' });
        closeArrays(tversky.loss.data, jaccard.loss.data);
        closeArrays(tversky.gradient!.data, jaccard.gradient!.data);
      }),
      { numRuns: RUNS, seed: 2 },
    );
  });

  it('generalizedDice with uniform weights on one class is dice on that class', () => {
    fc.assert(
      fc.property(randomProblem(), fc.nat(), fc.boolean(), (problem, pick, batchDice) => {
        const channel = pick % problem.channels;
        const options = { batchDice, classes: [channel], reduction: 'none' as const };
        const generalized = run('generalizedDice', problem, { ...options, weightType: 'uniform' });
        const dice = run('dice', problem, options);
        closeArrays(generalized.loss.data, dice.loss.data);
        closeArrays(generalized.gradient!.data, dice.gradient!.data);
      }),
      { numRuns: RUNS, seed: 3 },
    );
  });
});

describe('structural invariances', () => {
  it('per-sample losses do not depend on the rest of the batch', () => {
    fc.assert(
      fc.property(randomProblem(), fc.constantFrom<LossName>('dice', 'jaccard', 'tversky', 'generalizedDice', 'logCoshDice'), (problem, loss) => {
        const whole = run(loss, problem, { reduction: 'none' });
        const perSampleInput = problem.input.length / problem.batch;
        const perSampleTarget = problem.target.length / problem.batch;
        const perSampleMask = problem.mask === null ? 0 : problem.mask.length / problem.batch;
        const rows = whole.loss.data.length / problem.batch;
        for (let sample = 0; sample < problem.batch; sample++) {
          const single: RandomProblem = {
            ...problem,
            batch: 1,
            inputShape: [1, ...problem.inputShape.slice(1)],
            targetShape: [1, ...problem.targetShape.slice(1)],
            maskShape: [1, ...problem.maskShape.slice(1)],
            input: problem.input.slice(sample * perSampleInput, (sample + 1) * perSampleInput),
            target: problem.target.slice(sample * perSampleTarget, (sample + 1) * perSampleTarget),
            mask: problem.mask === null ? null : problem.mask.slice(sample * perSampleMask, (sample + 1) * perSampleMask),
          };
          const alone = run(loss, single, { reduction: 'none' });
          closeArrays(alone.loss.data, whole.loss.data.slice(sample * rows, (sample + 1) * rows));
          closeArrays(alone.gradient!.data, whole.gradient!.data.slice(sample * perSampleInput, (sample + 1) * perSampleInput));
        }
      }),
      { numRuns: RUNS, seed: 4 },
    );
  });

  it('statistics of two halves of the voxels add up to the statistics of the whole', () => {
    fc.assert(
      fc.property(randomProblem({ targetFormats: ['dense'] }), fc.boolean(), (problem, squared) => {
        const geometry = geometryOf(problem.inputShape, problem.layout);
        const options = { activation: 'none', layout: problem.layout, targetFormat: 'dense', ignoreIndex: null, includeBackground: true, classes: null, batchDice: false } as const;
        const kind = { squared, absoluteDifference: !squared };
        const mask = problem.mask === null ? null : { shape: problem.maskShape, data: problem.mask };
        const target = { shape: problem.targetShape, data: problem.target };
        const whole = computeStatistics(kind, geometry, problem.input, voxelAccess(options, geometry, target, mask));
        // Split the voxels by a zero/one mask and its complement (any partition of the data).
        const left = problem.mask === null ? new Float64Array(problem.maskShape.reduce((a, b) => a * b, 1)).fill(1) : Float64Array.from(problem.mask);
        const right = Float64Array.from(left);
        left.forEach((_, index) => {
          if (index % 2 === 0) left[index] = 0;
          else right[index] = 0;
        });
        const partLeft = computeStatistics(kind, geometry, problem.input, voxelAccess(options, geometry, target, { shape: problem.maskShape, data: left }));
        const partRight = computeStatistics(kind, geometry, problem.input, voxelAccess(options, geometry, target, { shape: problem.maskShape, data: right }));
        addStatisticsInto(partLeft, partRight);
        closeArrays(partLeft.intersection, whole.intersection);
        closeArrays(partLeft.prediction, whole.prediction);
        closeArrays(partLeft.target, whole.target);
        closeArrays(partLeft.absoluteDifference ?? [], whole.absoluteDifference ?? []);
      }),
      { numRuns: RUNS, seed: 5 },
    );
  });

  it('channels-last is channels-first transposed (value and gradient)', () => {
    fc.assert(
      fc.property(
        randomProblem({ targetFormats: ['dense'] }).filter((problem) => problem.layout === 'channels-first'),
        fc.constantFrom<LossName>('dice', 'tversky', 'generalizedDice', 'diceCE', 'diceFocal'),
        (problem, loss) => {
          const activation = (loss === 'diceCE' || loss === 'diceFocal') && problem.activation === 'none' ? 'sigmoid' : problem.activation;
          const first = { ...problem, activation };
          const voxels = problem.input.length / (problem.batch * problem.channels);
          const spatial = problem.inputShape.slice(2);
          const last: RandomProblem = {
            ...first,
            layout: 'channels-last',
            inputShape: [problem.batch, ...spatial, problem.channels],
            targetShape: [problem.batch, ...spatial, problem.channels],
            input: toChannelsLast(problem.input, problem.batch, problem.channels, voxels),
            target: toChannelsLast(problem.target, problem.batch, problem.channels, voxels),
          };
          const a = run(loss, first);
          const b = run(loss, last);
          closeArrays(b.loss.data, a.loss.data);
          closeArrays(b.gradient!.data, toChannelsLast(a.gradient!.data, problem.batch, problem.channels, voxels));
        },
      ),
      { numRuns: RUNS, seed: 6 },
    );
  });

  it('a label map equals its one-hot as a dense target; ignoreIndex equals mask 0', () => {
    fc.assert(
      fc.property(
        randomProblem({ targetFormats: ['labels'] }).filter((problem) => problem.layout === 'channels-first'),
        fc.constantFrom<LossName>('dice', 'jaccard', 'tversky', 'generalizedDice', 'logCoshDice', 'diceCE', 'diceFocal'),
        fc.boolean(),
        (problem, loss, ignoreSome) => {
          const activation = (loss === 'diceCE' || loss === 'diceFocal') && problem.activation === 'none' ? 'sigmoid' : problem.activation;
          const voxels = problem.input.length / (problem.batch * problem.channels);
          const labels = Int32Array.from(problem.target);
          const ignoreIndex = 255;
          const mask = problem.mask === null ? new Float64Array(labels.length).fill(1) : Float64Array.from(problem.mask);
          if (ignoreSome) {
            labels.forEach((_, index) => {
              if (index % 3 === 1) {
                labels[index] = ignoreIndex;
                mask[index] = 0;
              }
            });
          }
          const withLabels = run(loss, { ...problem, activation, target: labels }, ignoreSome ? { ignoreIndex } : {});
          const dense: RandomProblem = {
            ...problem,
            activation,
            targetFormat: 'dense',
            targetShape: [...problem.inputShape],
            target: oneHot(labels, problem.batch, problem.channels, voxels, ignoreIndex),
            mask,
          };
          const withDense = run(loss, dense);
          closeArrays(withLabels.loss.data, withDense.loss.data);
          closeArrays(withLabels.gradient!.data, withDense.gradient!.data);
        },
      ),
      { numRuns: RUNS, seed: 7 },
    );
  });
});
