import { computeLoss, type LossName, type LossOptions } from '@dicekit/core';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { createLoss } from '../src/index.js';
import { closeTo, randomProblem, seededRandom } from './random-data.js';

function codeOf(action: () => unknown): string | undefined {
  try {
    tf.dispose(action() as tf.Tensor);
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

// The upstream derivative reaches the host path's gradient: scalar factors (compound term included)
// and per-entry weights for reduction 'none', against references computed by core in float64.
describe.each(['cpu', 'wasm'])('host path upstream derivatives on %s', (backend) => {
  const softmaxLabels = (seed: number) =>
    randomProblem(seededRandom(seed), { batch: 2, channels: 3, spatial: [4, 5], layout: 'channels-last', activation: 'softmax', targetFormat: 'labels' });

  for (const loss of ['dice', 'diceCE', 'diceFocal'] as const) {
    it(`${loss}: the gradient of 2.5 · loss is 2.5 times core's gradient`, async () => {
      await tf.setBackend(backend);
      const problem = softmaxLabels(11);
      const options: LossOptions = { activation: 'softmax', layout: 'channels-last', targetFormat: 'labels' };
      const reference = computeLoss(loss, { shape: problem.inputShape, data: problem.input }, { shape: problem.targetShape, data: problem.target }, options, { gradient: true });
      const input = tf.tensor(problem.input, problem.inputShape);
      const target = tf.tensor(problem.target, problem.targetShape, 'int32');
      const lossFunction = createLoss(loss, { ...options, kernel: 'host' } as Omit<LossOptions, 'mask'>);
      const gradient = tf.grad((prediction: tf.Tensor) => tf.mul(lossFunction(target, prediction), 2.5))(input);
      const expected = (reference.gradient as { data: Float64Array }).data.map((value) => 2.5 * value);
      expect(closeTo(gradient.dataSync(), expected, 1e-5, 1e-7)).toBeNull();
      tf.dispose([input, target, gradient]);
    });
  }

  it("reduction 'none': the gradient of Σ w_e · entry_e matches core's float64 finite differences", async () => {
    await tf.setBackend(backend);
    const problem = softmaxLabels(12);
    const loss: LossName = 'dice';
    const options: LossOptions = { activation: 'softmax', layout: 'channels-last', targetFormat: 'labels', reduction: 'none', includeBackground: false };
    const weights = [0.5, -1, 2, 3];
    const objective = (data: Float64Array) => {
      const entries = computeLoss(loss, { shape: problem.inputShape, data }, { shape: problem.targetShape, data: problem.target }, options).loss.data;
      return entries.reduce((total, entry, index) => total + (weights[index] as number) * entry, 0);
    };
    const point = Float64Array.from(problem.input);
    const expected = new Float64Array(point.length);
    const step = 1e-6;
    for (let index = 0; index < point.length; index++) {
      const original = point[index] as number;
      point[index] = original + step;
      const above = objective(point);
      point[index] = original - step;
      const below = objective(point);
      point[index] = original;
      expected[index] = (above - below) / (2 * step);
    }
    const input = tf.tensor(problem.input, problem.inputShape);
    const target = tf.tensor(problem.target, problem.targetShape, 'int32');
    const entryWeights = tf.tensor(weights, [2, 2]);
    const lossFunction = createLoss(loss, { ...options, kernel: 'host' } as Omit<LossOptions, 'mask'>);
    const gradient = tf.grad((prediction: tf.Tensor) => tf.sum(tf.mul(lossFunction(target, prediction), entryWeights)))(input);
    expect(closeTo(gradient.dataSync(), expected, 1e-4, 1e-7)).toBeNull();
    tf.dispose([input, target, entryWeights, gradient]);
  });
});

describe.each(['cpu', 'wasm'])('host path data handling on %s', (backend) => {
  it('float32 label maps give the int32 results; non-integers are E_DTYPE, labels beyond int32 E_LABEL', async () => {
    await tf.setBackend(backend);
    const problem = randomProblem(seededRandom(21), { batch: 2, channels: 3, spatial: [3, 3], layout: 'channels-last', activation: 'softmax', targetFormat: 'labels' });
    const input = tf.tensor(problem.input, problem.inputShape);
    const integers = tf.tensor(problem.target, problem.targetShape, 'int32');
    const floats = tf.tensor(Float32Array.from(problem.target), problem.targetShape, 'float32');
    const loss = createLoss('dice', { activation: 'softmax', targetFormat: 'labels', kernel: 'host' });
    const fromIntegers = tf.valueAndGrad((prediction: tf.Tensor) => loss(integers, prediction))(input);
    const fromFloats = tf.valueAndGrad((prediction: tf.Tensor) => loss(floats, prediction))(input);
    expect(Array.from(fromFloats.value.dataSync())).toEqual(Array.from(fromIntegers.value.dataSync()));
    expect(Array.from(fromFloats.grad.dataSync())).toEqual(Array.from(fromIntegers.grad.dataSync()));
    const labels = Float32Array.from(problem.target);
    labels[4] = 1.5;
    expect(codeOf(() => loss(tf.tensor(labels, problem.targetShape, 'float32'), input))).toBe('E_DTYPE');
    labels[4] = 2 ** 32;
    expect(codeOf(() => loss(tf.tensor(labels, problem.targetShape, 'float32'), input))).toBe('E_LABEL');
    tf.dispose([input, integers, floats, fromIntegers.value, fromIntegers.grad, fromFloats.value, fromFloats.grad]);
  });

  it('float32 tensors the backend keeps as integers (oneHot(...).toFloat()) give the float results', async () => {
    await tf.setBackend(backend);
    const problem = randomProblem(seededRandom(22), { batch: 2, channels: 3, spatial: [3, 4], layout: 'channels-last', activation: 'softmax', targetFormat: 'labels' });
    const labels = tf.tensor(problem.target, problem.targetShape, 'int32');
    const input = tf.tensor(problem.input, problem.inputShape);
    const castTarget = tf.oneHot(labels, 3).toFloat();
    const floatTarget = tf.tensor(Float32Array.from(castTarget.dataSync()), problem.inputShape);
    const weights = tf.cast(tf.tensor(Int32Array.from({ length: 24 }, (_, index) => index % 3), [2, 3, 4]), 'float32');
    const loss = createLoss('diceCE', { activation: 'softmax', mask: weights, kernel: 'host' });
    const fromCast = tf.valueAndGrad((prediction: tf.Tensor) => loss(castTarget, prediction))(input);
    const fromFloats = tf.valueAndGrad((prediction: tf.Tensor) => loss(floatTarget, prediction))(input);
    expect(Array.from(fromCast.value.dataSync())).toEqual(Array.from(fromFloats.value.dataSync()));
    expect(Array.from(fromCast.grad.dataSync())).toEqual(Array.from(fromFloats.grad.dataSync()));
    tf.dispose([labels, input, castTarget, floatTarget, weights, fromCast.value, fromCast.grad, fromFloats.value, fromFloats.grad]);
  });

  it('non-finite logits are E_NONFINITE for every activation and layout, -Infinity included', async () => {
    await tf.setBackend(backend);
    for (const layout of ['channels-last', 'channels-first'] as const) {
      for (const activation of ['softmax', 'sigmoid'] as const) {
        for (const bad of [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, Number.NaN]) {
          const values = new Float32Array(2 * 3 * 4).fill(0.5);
          values[7] = bad;
          const input = tf.tensor(values, layout === 'channels-last' ? [2, 4, 3] : [2, 3, 4]);
          const target = tf.zeros([2, 4], 'int32');
          const loss = createLoss('dice', { activation, layout, targetFormat: 'labels', kernel: 'host' });
          expect(codeOf(() => loss(target, input))).toBe('E_NONFINITE');
          tf.dispose([input, target]);
        }
      }
    }
  });
});

describe('host path on wasm reads and writes the heap in place', () => {
  it('a heap that grows between the forward and the backward pass still gives core gradient', async () => {
    await tf.setBackend('wasm');
    const problem = randomProblem(seededRandom(31), { batch: 2, channels: 3, spatial: [4, 5], layout: 'channels-last', activation: 'softmax', targetFormat: 'labels', mask: true });
    const options: LossOptions = { activation: 'softmax', layout: 'channels-last', targetFormat: 'labels' };
    const hostMask = { shape: problem.maskShape, data: problem.mask as Float32Array };
    const reference = computeLoss('diceCE', { shape: problem.inputShape, data: problem.input }, { shape: problem.targetShape, data: problem.target }, { ...options, mask: hostMask }, { gradient: true });
    const input = tf.tensor(problem.input, problem.inputShape);
    const target = tf.tensor(problem.target, problem.targetShape, 'int32');
    const mask = tf.tensor(hostMask.data, hostMask.shape);
    const lossFunction = createLoss('diceCE', { ...(options as Omit<LossOptions, 'mask'>), mask, kernel: 'host' });
    const heap = () => (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.buffer;
    const before = heap();
    const gradient = tf.grad((prediction: tf.Tensor) => {
      const value = lossFunction(target, prediction);
      // More floats than the heap holds bytes: the allocation must grow the heap.
      const filler = tf.zeros([before.byteLength / 2]);
      return tf.add(value, tf.mul(tf.sum(filler), 0));
    })(input);
    expect(heap()).not.toBe(before);
    expect(closeTo(gradient.dataSync(), (reference.gradient as { data: Float64Array }).data, 1e-5, 1e-7)).toBeNull();
    tf.dispose([input, target, mask, gradient]);
  });
});
