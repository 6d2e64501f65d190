import { computeLoss, type LossName, type LossOptions } from '@dicekit/core';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { cpuReductionPlanFor } from '../src/graphs/graph-variant.js';
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

describe('loss sessions on the pooled reduction plan (128 voxels: GlobalAveragePool sums, CPU-tuned checks)', () => {
  const pooledShape = [2, 3, 8, 16];
  const pooledSize = 2 * 3 * 128;
  const pooledLogits = Float32Array.from({ length: pooledSize }, () => random() * 6 - 3);
  const pooledProbabilities = Float32Array.from({ length: pooledSize }, () => random());
  const pooledDense = Float32Array.from({ length: pooledSize }, () => (random() < 0.4 ? 1 : random() * 0.5));
  const pooledLabels = Int32Array.from({ length: 2 * 128 }, (_, index) => (index % 17 === 0 ? 255 : Math.floor(random() * 3)));
  const validLabels = Int32Array.from(pooledLabels, (label) => (label === 255 ? 1 : label));
  const pooledMask = Float32Array.from({ length: 2 * 128 }, () => random() * 2);
  const cases: Array<[string, LossName, Omit<LossOptions, 'mask'>, 'labels' | 'valid-labels' | 'dense', boolean]> = [
    ['softmax, labels checked by count', 'dice', { activation: 'softmax', targetFormat: 'labels' }, 'valid-labels', false],
    ['softmax, ignoreIndex', 'tversky', { activation: 'softmax', targetFormat: 'labels', ignoreIndex: 255, alpha: 0.3, beta: 0.7 }, 'labels', false],
    ['probabilities, dense target', 'dice', { activation: 'none' }, 'dense', false],
    ['sigmoid diceCE, dense target, mask', 'diceCE', { activation: 'sigmoid' }, 'dense', true],
    ['softmax diceFocal, labels by count', 'diceFocal', { activation: 'softmax', targetFormat: 'labels', focalGamma: 2 }, 'valid-labels', false],
  ];
  it('uses the pooled plan for this shape', () => {
    expect(cpuReductionPlanFor([8, 16])).toEqual({ kind: 'pooled', chunk: 128 });
  });
  for (const [title, loss, options, targetKind, withMask] of cases) {
    it(`${loss} (${title}): loss and gradient agree with core's float64 reference`, async () => {
      const input = options.activation === 'none' ? pooledProbabilities : pooledLogits;
      const labelData = targetKind === 'labels' ? pooledLabels : validLabels;
      const targetShape = targetKind === 'dense' ? pooledShape : [2, 8, 16];
      const targetData = targetKind === 'dense' ? pooledDense : labelData;
      const session = await createLossSession({ loss, options });
      const target = targetKind === 'dense' ? new ort.Tensor('float32', pooledDense, pooledShape) : new ort.Tensor('int32', labelData, targetShape);
      const mask = withMask ? new ort.Tensor('float32', pooledMask, [2, 8, 16]) : undefined;
      const result = await session.compute(new ort.Tensor('float32', input, pooledShape), target, { gradient: true, ...(mask === undefined ? {} : { mask }) });
      const reference = computeLoss(
        loss,
        { shape: pooledShape, data: input },
        { shape: targetShape, data: targetData },
        withMask ? { ...options, mask: { shape: [2, 8, 16], data: pooledMask } } : options,
        { gradient: true },
      );
      expect(maxRelativeError(result.loss.data, reference.loss.data, 1e-7)).toBeLessThan(1e-5);
      expect(maxRelativeError(result.gradient!.data as Float32Array, reference.gradient!.data, 1e-7)).toBeLessThan(1e-4);
      await session.dispose();
    });
  }
});
