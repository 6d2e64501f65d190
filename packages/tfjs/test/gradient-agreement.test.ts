import type { LossName, LossOptions } from '@dicekit/core';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLoss } from '../src/index.js';
import { composedLoss, type ComposedOptions } from '../src/test-support/composed-forward.js';
import { closeTo, coreReference, randomProblem, seededRandom } from './random-data.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type Activation = 'none' | 'sigmoid' | 'softmax';
type Layout = 'channels-first' | 'channels-last';

interface Configuration {
  readonly loss: LossName;
  readonly activation: Activation;
  readonly targetFormat: 'dense' | 'labels';
  readonly options: LossOptions;
  readonly soft?: boolean;
  readonly mask?: boolean;
  readonly channels?: number;
}

// Every loss with the options that change its statistics or its derivative.
const CONFIGURATIONS: Configuration[] = [
  { loss: 'dice', activation: 'softmax', targetFormat: 'labels', options: {} },
  { loss: 'dice', activation: 'sigmoid', targetFormat: 'dense', options: { squared: true }, mask: true },
  { loss: 'dice', activation: 'none', targetFormat: 'dense', options: { softLabel: true }, soft: true },
  { loss: 'dice', activation: 'softmax', targetFormat: 'labels', options: { batchDice: true, includeBackground: false, reduction: 'none' } },
  { loss: 'dice', activation: 'sigmoid', targetFormat: 'labels', options: { ignoreIndex: 1, logLoss: true, reduction: 'sum' }, channels: 1 },
  { loss: 'dice', activation: 'softmax', targetFormat: 'dense', options: { classWeights: [0.5, 1, 2], absentClasses: 'zero', reduction: 'none' }, channels: 3 },
  { loss: 'jaccard', activation: 'softmax', targetFormat: 'labels', options: { ignoreIndex: 255 }, mask: true },
  { loss: 'tversky', activation: 'sigmoid', targetFormat: 'dense', options: { alpha: 0.7, beta: 0.3, gamma: 0.75 } },
  { loss: 'tversky', activation: 'none', targetFormat: 'dense', options: { softLabel: true, reduction: 'none' }, soft: true },
  { loss: 'generalizedDice', activation: 'softmax', targetFormat: 'labels', options: { weightType: 'simple', reduction: 'none' } },
  { loss: 'generalizedDice', activation: 'sigmoid', targetFormat: 'dense', options: { batchDice: true }, mask: true },
  { loss: 'logCoshDice', activation: 'softmax', targetFormat: 'dense', options: { squared: true } },
  { loss: 'diceCE', activation: 'softmax', targetFormat: 'labels', options: { lambdaCE: 0.5, classWeights: [1, 2, 0.5, 1] }, mask: true },
  { loss: 'diceCE', activation: 'sigmoid', targetFormat: 'dense', options: { reduction: 'sum' }, soft: true },
  { loss: 'diceFocal', activation: 'softmax', targetFormat: 'dense', options: { focalGamma: 0.5, focalAlpha: [0.25, 0.25, 0.25, 0.25] } },
  { loss: 'diceFocal', activation: 'sigmoid', targetFormat: 'labels', options: { focalAlpha: 0.25, focalGamma: 2 }, channels: 1 },
];

function tensorsOf(problem: ReturnType<typeof randomProblem>, labels: boolean) {
  const input = tf.tensor(problem.input, problem.inputShape);
  const target = labels ? tf.tensor(problem.target, problem.targetShape, 'int32') : tf.tensor(problem.target, problem.targetShape);
  const mask = problem.mask === null ? null : tf.tensor(problem.mask, problem.maskShape);
  return { input, target, mask };
}

describe('customGrad path agrees with core (float64) on value and gradient', () => {
  const layouts: Layout[] = ['channels-last', 'channels-first'];
  // The host path on both backends it serves (on wasm, channels-last softmax goes through tf.softmax).
  const paths = [
    { kernel: 'host', backend: 'cpu' },
    { kernel: 'host', backend: 'wasm' },
    { kernel: 'tf-ops', backend: 'cpu' },
  ] as const;
  CONFIGURATIONS.forEach((configuration, number) => {
    for (const layout of layouts) {
      for (const { kernel, backend } of paths) {
        it(`${kernel} ${backend} ${configuration.loss} ${JSON.stringify(configuration.options)} ${configuration.activation} ${configuration.targetFormat} ${layout}`, async () => {
          await tf.setBackend(backend);
          const random = seededRandom(1000 + number);
          const channels = configuration.channels ?? (configuration.options.classWeights?.length ?? 4);
          const problem = randomProblem(random, {
            batch: 2,
            channels,
            spatial: [5, 3, 2],
            layout,
            activation: configuration.activation,
            targetFormat: configuration.targetFormat,
            soft: configuration.soft ?? false,
            mask: configuration.mask ?? false,
          });
          const labels = configuration.targetFormat === 'labels';
          if (labels && configuration.options.ignoreIndex !== undefined) {
            // Put the ignore value on a few voxels.
            for (let i = 0; i < problem.target.length; i += 7) problem.target[i] = configuration.options.ignoreIndex;
          }
          const options: LossOptions = { ...configuration.options, activation: configuration.activation, layout, targetFormat: configuration.targetFormat };
          const reference = coreReference(configuration.loss, problem, options);
          const before = tf.memory().numTensors;
          const { input, target, mask } = tensorsOf(problem, labels);
          const { mask: _unused, ...tensorOptions } = options;
          const loss = createLoss(configuration.loss, { ...tensorOptions, kernel, ...(mask === null ? {} : { mask }) });
          const { value, grad } = tf.valueAndGrad((prediction: tf.Tensor) => loss(target, prediction))(input);
          expect(value.shape).toEqual(reference.loss.shape);
          expect(closeTo(value.dataSync(), reference.loss.data, 2e-6, 1e-6)).toBeNull();
          expect(closeTo(grad.dataSync(), (reference.gradient as { data: Float64Array }).data, 1e-5, 1e-7)).toBeNull();
          tf.dispose([value, grad, input, target, ...(mask === null ? [] : [mask])]);
          expect(tf.memory().numTensors).toBe(before);
        });
      }
    }
  });
});

describe('customGrad path agrees with tfjs autodiff of the composed forward', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  const cases: Array<ComposedOptions & { mask: boolean }> = [
    { loss: 'dice', activation: 'softmax', layout: 'channels-last', mask: false },
    { loss: 'dice', activation: 'softmax', layout: 'channels-first', mask: true },
    { loss: 'dice', activation: 'sigmoid', layout: 'channels-last', squared: true, mask: true, reduction: 'sum' },
    { loss: 'jaccard', activation: 'none', layout: 'channels-first', mask: false },
    { loss: 'tversky', activation: 'sigmoid', layout: 'channels-last', alpha: 0.3, beta: 0.7, gamma: 0.75, mask: false },
  ];
  cases.forEach((composed, number) => {
    for (const kernel of ['host', 'tf-ops'] as const) {
      it(`${kernel} ${JSON.stringify(composed)}`, () => {
        const random = seededRandom(77 + number);
        const problem = randomProblem(random, {
          batch: 2,
          channels: 3,
          spatial: [6, 7],
          layout: composed.layout,
          activation: composed.activation,
          targetFormat: 'dense',
          mask: composed.mask,
        });
        const { input, target, mask } = tensorsOf(problem, false);
        const { mask: _flag, loss: name, squared, alpha, beta, gamma, reduction, activation, layout } = composed;
        const options: LossOptions = {
          activation,
          layout,
          ...(squared === undefined ? {} : { squared }),
          ...(reduction === undefined ? {} : { reduction }),
          ...(name === 'tversky' ? { alpha: alpha ?? 0.5, beta: beta ?? 0.5, gamma: gamma ?? 1 } : {}),
        };
        const loss = createLoss(name, { ...(options as Omit<LossOptions, 'mask'>), kernel, ...(mask === null ? {} : { mask }) });
        const ours = tf.valueAndGrad((prediction: tf.Tensor) => loss(target, prediction))(input);
        const autodiff = tf.valueAndGrad((prediction: tf.Tensor) => composedLoss(composed, prediction, target, mask))(input);
        expect(closeTo(ours.value.dataSync(), autodiff.value.dataSync(), 1e-5, 1e-6)).toBeNull();
        expect(closeTo(ours.grad.dataSync(), autodiff.grad.dataSync(), 1e-4, 1e-7)).toBeNull();
        tf.dispose([ours.value, ours.grad, autodiff.value, autodiff.grad, input, target, ...(mask === null ? [] : [mask])]);
      });
    }
  });
});
