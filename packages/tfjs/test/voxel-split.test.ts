import { computeLoss, computeMetric, DiceKitError, type LossName, type LossOptions } from '@dicekit/core';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLoss, tensorMetric } from '../src/index.js';
import { voxelSplit } from '../src/internal/voxel-split.js';
import { closeTo, coreReference, randomProblem, seededRandom } from './random-data.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('voxelSplit', () => {
  it('splits V into rows × size exactly, size the largest divisor <= 2048', () => {
    expect(voxelSplit(30)).toEqual({ rows: 1, size: 30 });
    expect(voxelSplit(2048)).toEqual({ rows: 1, size: 2048 });
    expect(voxelSplit(320 * 320 * 200)).toEqual({ rows: 10000, size: 2048 });
    expect(voxelSplit(2 * 16411)).toEqual({ rows: 16411, size: 2 });
    expect(voxelSplit(16411)).toEqual({ rows: 16411, size: 1 });
    expect(voxelSplit(6002)).toEqual({ rows: 3001, size: 2 });
    // Above 2^24 voxels, rows must stay below 2^24 (webgl): a longer size when no divisor <= 2048 does it.
    expect(voxelSplit(4099 * 4099)).toEqual({ rows: 4099, size: 4099 });
    expect(voxelSplit(3 * 16777259)).toEqual({ rows: 16777259, size: 3 });
  });
});

// The tf-op path (webgl, webgpu) with voxel counts whose split has several rows: S = 2048 (R = 3),
// S = 2 with R = 16411 > 16384 (partials summed again in chunks), and a prime V (S = 1). Values from
// core's float64 reference.
describe('tf-op path with split voxel axes agrees with core (float64)', () => {
  const spatials = [[64, 96], [2, 16411], [16411]];
  const configurations: Array<{ loss: LossName; activation: 'none' | 'sigmoid' | 'softmax'; labels: boolean; options: LossOptions; mask: boolean; channels: number }> = [
    { loss: 'dice', activation: 'softmax', labels: true, options: { ignoreIndex: 2 }, mask: true, channels: 3 },
    { loss: 'diceCE', activation: 'softmax', labels: false, options: { classWeights: [1, 2, 0.5] }, mask: false, channels: 3 },
    { loss: 'diceFocal', activation: 'sigmoid', labels: true, options: { focalGamma: 2, focalAlpha: 0.25 }, mask: true, channels: 1 },
    { loss: 'tversky', activation: 'none', labels: false, options: { softLabel: true, reduction: 'none' }, mask: false, channels: 2 },
  ];
  for (const spatial of spatials) {
    for (const layout of ['channels-first', 'channels-last'] as const) {
      configurations.forEach((configuration, number) => {
        it(`${configuration.loss} ${configuration.activation} ${layout} spatial [${spatial.join(', ')}]`, () => {
          const random = seededRandom(500 + number);
          const problem = randomProblem(random, {
            batch: 2,
            channels: configuration.channels,
            spatial,
            layout,
            activation: configuration.activation,
            targetFormat: configuration.labels ? 'labels' : 'dense',
            soft: configuration.options.softLabel === true,
            mask: configuration.mask,
          });
          if (configuration.options.ignoreIndex !== undefined) {
            for (let index = 0; index < problem.target.length; index += 7) problem.target[index] = configuration.options.ignoreIndex;
          }
          const options: LossOptions = {
            ...configuration.options,
            activation: configuration.activation,
            layout,
            targetFormat: configuration.labels ? 'labels' : 'dense',
          };
          const reference = coreReference(configuration.loss, problem, options);
          const before = tf.memory().numTensors;
          const input = tf.tensor(problem.input, problem.inputShape);
          const target = tf.tensor(problem.target, problem.targetShape, configuration.labels ? 'int32' : 'float32');
          const mask = problem.mask === null ? null : tf.tensor(problem.mask, problem.maskShape);
          const { mask: _unused, ...tensorOptions } = options;
          const loss = createLoss(configuration.loss, { ...tensorOptions, kernel: 'tf-ops', ...(mask === null ? {} : { mask }) });
          const { value, grad } = tf.valueAndGrad((prediction: tf.Tensor) => loss(target, prediction))(input);
          expect(grad.shape).toEqual(problem.inputShape);
          expect(closeTo(value.dataSync(), reference.loss.data, 2e-6, 1e-6)).toBeNull();
          expect(closeTo(grad.dataSync(), (reference.gradient as { data: Float64Array }).data, 1e-5, 1e-9)).toBeNull();
          tf.dispose([value, grad, input, target, ...(mask === null ? [] : [mask])]);
          expect(tf.memory().numTensors).toBe(before);
        });
      });

      it(`argmax dice metric ${layout} spatial [${spatial.join(', ')}]`, () => {
        const problem = randomProblem(seededRandom(900), {
          batch: 2,
          channels: 3,
          spatial,
          layout,
          activation: 'softmax',
          targetFormat: 'labels',
          mask: true,
        });
        const options = { layout, activation: 'softmax', targetFormat: 'labels', argmax: true } as const;
        const reference = computeMetric(
          'dice',
          { shape: problem.inputShape, data: problem.input },
          { shape: problem.targetShape, data: problem.target },
          { ...options, mask: { shape: problem.maskShape, data: problem.mask as Float32Array } },
        );
        const input = tf.tensor(problem.input, problem.inputShape);
        const target = tf.tensor(problem.target, problem.targetShape, 'int32');
        const mask = tf.tensor(problem.mask as Float32Array, problem.maskShape);
        const result = tensorMetric('dice', target, input, { ...options, mask });
        expect(closeTo(result.scores.data, reference.scores.data, 1e-7, 1e-9)).toBeNull();
        tf.dispose([input, target, mask]);
      });
    }
  }

  it('dice sigmoid channels-first [1, 1, 4099, 4099] (V > 2^24, S = 4099 > 2048): value', () => {
    const spatial = [4099, 4099];
    const problem = randomProblem(seededRandom(11), { batch: 1, channels: 1, spatial, layout: 'channels-first', activation: 'sigmoid', targetFormat: 'dense' });
    const options = { activation: 'sigmoid', layout: 'channels-first' } as const;
    const reference = computeLoss('dice', { shape: problem.inputShape, data: problem.input }, { shape: problem.targetShape, data: problem.target }, options);
    const input = tf.tensor(problem.input, problem.inputShape);
    const target = tf.tensor(problem.target, problem.targetShape);
    const value = createLoss('dice', { ...options, kernel: 'tf-ops' })(target, input);
    expect(closeTo(value.dataSync(), reference.loss.data, 1e-6, 1e-9)).toBeNull();
    tf.dispose([value, input, target]);
  }, 60_000);

  it('finds an out-of-range label anywhere in a split label map (E_LABEL)', () => {
    const spatial = [2, 16411];
    const problem = randomProblem(seededRandom(7), { batch: 1, channels: 3, spatial, layout: 'channels-last', activation: 'softmax', targetFormat: 'labels' });
    problem.target[problem.target.length - 1] = 3;
    const input = tf.tensor(problem.input, problem.inputShape);
    const target = tf.tensor(problem.target, problem.targetShape, 'int32');
    const loss = createLoss('dice', { activation: 'softmax', targetFormat: 'labels', kernel: 'tf-ops' });
    let caught: unknown = null;
    try {
      loss(target, input).dispose();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DiceKitError);
    expect((caught as DiceKitError).code).toBe('E_LABEL');
    tf.dispose([input, target]);
  });
});
