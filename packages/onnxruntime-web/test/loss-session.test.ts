import { computeLoss, type LossName, type LossOptions } from '@dicekit/core';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { createLossSession } from '../src/runtime/create-loss-session.js';
import { decodeFloat16, encodeFloat16 } from '../src/runtime/ort-tensors.js';
import { randomStream } from './support/random.js';

ort.env.wasm.numThreads = 1;

const random = randomStream(7);
const shape = [2, 3, 9, 11];
const size = shape.reduce((a, b) => a * b, 1);
const logits = Float32Array.from({ length: size }, () => random() * 6 - 3);
const labels = Int32Array.from({ length: 2 * 9 * 11 }, () => Math.floor(random() * 3));

function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number): number {
  let worst = 0;
  for (let index = 0; index < expected.length; index++) {
    const e = expected[index] as number;
    worst = Math.max(worst, (Math.abs((actual[index] as number) - e) - atol) / Math.max(Math.abs(e), 1e-30));
  }
  return worst;
}

const variants: Array<[LossName, Omit<LossOptions, 'mask'>]> = [
  ['dice', { activation: 'softmax', targetFormat: 'labels' }],
  ['tversky', { activation: 'softmax', targetFormat: 'labels', alpha: 0.7, beta: 0.3, gamma: 0.75, batchDice: true }],
  ['generalizedDice', { activation: 'softmax', targetFormat: 'labels', reduction: 'none' }],
  ['diceFocal', { activation: 'softmax', targetFormat: 'labels', focalGamma: 2, classWeights: [0.5, 1, 2] }],
];

describe('loss sessions on ort.Tensor', () => {
  for (const [loss, options] of variants) {
    it(`${loss} with int64 labels: loss and gradient agree with core's float64 reference`, async () => {
      const session = await createLossSession({ loss, options });
      const target = new ort.Tensor('int64', BigInt64Array.from(labels, (label) => BigInt(label)), [2, 9, 11]);
      const result = await session.compute(new ort.Tensor('float32', logits, shape), target, { gradient: true });
      const reference = computeLoss(loss, { shape, data: logits }, { shape: [2, 9, 11], data: labels }, options, { gradient: true });
      expect(result.loss.shape).toEqual(reference.loss.shape);
      expect(maxRelativeError(result.loss.data, reference.loss.data, 1e-7)).toBeLessThan(1e-5);
      expect(result.gradient?.dims).toEqual(shape);
      expect(maxRelativeError(result.gradient!.data as Float32Array, reference.gradient!.data, 1e-7)).toBeLessThan(1e-4);
      await session.dispose();
    });
  }

  it('float16 predictions and targets: computed in float32 from the float16 values, gradient in float16', async () => {
    const halves = encodeFloat16(logits);
    const dense = Float32Array.from({ length: size }, () => random());
    const targetHalves = encodeFloat16(dense);
    const options = { activation: 'sigmoid', softLabel: true } as const;
    const session = await createLossSession({ loss: 'dice', options });
    const result = await session.compute(new ort.Tensor('float16', halves, shape), new ort.Tensor('float16', targetHalves, shape), { gradient: true });
    const reference = computeLoss('dice', { shape, data: decodeFloat16(halves) }, { shape, data: decodeFloat16(targetHalves) }, options, { gradient: true });
    expect(maxRelativeError(result.loss.data, reference.loss.data, 1e-7)).toBeLessThan(1e-5);
    expect(result.gradient?.type).toBe('float16');
    const gradient = decodeFloat16(result.gradient!.data as Uint16Array);
    // float16 keeps 11 significant bits: relative 2^-11 plus the subnormal floor.
    expect(maxRelativeError(gradient, reference.gradient!.data, 1e-6)).toBeLessThan(2e-3);
    await session.dispose();
  });

  it('checks the data on the host (E_VALUE for probabilities outside [0, 1])', async () => {
    const session = await createLossSession({ loss: 'dice' });
    const target = new ort.Tensor('float32', new Float32Array(size), shape);
    await expect(session.compute(new ort.Tensor('float32', logits, shape), target)).rejects.toMatchObject({ code: 'E_VALUE' });
    await session.dispose();
  });

  it('encodeFloat16 / decodeFloat16 round-trip representable values exactly', () => {
    const values = Float32Array.of(0, -0, 1, -2.5, 65504, 6.103515625e-5, 5.960464477539063e-8, 0.333251953125, Infinity);
    expect(Array.from(decodeFloat16(encodeFloat16(values)))).toEqual(Array.from(values));
    expect(decodeFloat16(encodeFloat16([70000]))[0]).toBe(Infinity);
  });
});
