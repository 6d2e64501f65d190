import { computeMetric, MetricAccumulator } from '@dicekit/core';
import * as ort from 'onnxruntime-web';
import { afterAll, describe, expect, it } from 'vitest';
import { createMetricSession, evaluate } from '../src/runtime/create-metric-session.js';
import { encodeFloat16 } from '../src/runtime/ort-tensors.js';
import { randomStream } from './support/random.js';

ort.env.wasm.numThreads = 1;

const random = randomStream(42);
const shape = [3, 4, 5, 6, 7];
const size = shape.reduce((a, b) => a * b, 1);
const logits = Float32Array.from({ length: size }, () => random() * 8 - 4);
const labelCount = 3 * 5 * 6 * 7;
// Class 3 never appears in sample 0, so empty pairs (NaN under the default policy) are covered.
const labels = Int32Array.from({ length: labelCount }, (_, index) => {
  const value = Math.floor(random() * 4);
  return index < 210 && value === 3 ? 2 : value;
});
const mask = Float32Array.from({ length: labelCount }, () => (random() < 0.2 ? 0 : random()));

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-9): void {
  expect(actual.length).toBe(expected.length);
  for (let index = 0; index < expected.length; index++) {
    const e = expected[index] as number;
    const a = actual[index] as number;
    if (Number.isNaN(e)) expect(a).toBeNaN();
    else expect(Math.abs(a - e)).toBeLessThanOrEqual(1e-12 + rtol * Math.abs(e));
  }
}

describe('metrics on ort.Tensor outputs', () => {
  const sessions: Array<{ dispose(): Promise<void> }> = [];
  afterAll(async () => {
    for (const session of sessions) await session.dispose();
  });

  it('argmax dice with int32 labels and a mask matches core, one session reused', async () => {
    const options = { activation: 'softmax', targetFormat: 'labels', includeBackground: false } as const;
    const session = await createMetricSession({ metric: 'dice', options });
    sessions.push(session);
    const output = new ort.Tensor('float32', logits, shape);
    const target = new ort.Tensor('int32', labels, [3, 5, 6, 7]);
    const result = await session.evaluate(output, target, { mask: new ort.Tensor('float32', mask, [3, 1, 5, 6, 7]) });
    const reference = computeMetric('dice', { shape, data: logits }, { shape: [3, 5, 6, 7], data: labels }, { ...options, mask: { shape: [3, 1, 5, 6, 7], data: mask } });
    // Mask weights multiply in float32 inside the graph: agreement to float32 rounding.
    expectClose(result.scores.data, reference.scores.data, 1e-6);
    expectClose(result.perClass.data, reference.perClass.data, 1e-6);
    expect(result.counted).toBe(reference.counted);
    expect(result.mean).toBeCloseTo(reference.mean, 6);
    await session.evaluate(output, new ort.Tensor('int64', BigInt64Array.from(labels, (label) => BigInt(label)), [3, 5, 6, 7]));
    await session.evaluate(output, new ort.Tensor('uint8', Uint8Array.from(labels), [3, 5, 6, 7]));
    // One session per target dtype / mask variant, never one per call.
    await session.evaluate(output, target, { mask: new ort.Tensor('float32', mask, [3, 1, 5, 6, 7]) });
    expect(session.sessionCount).toBe(3);
  });

  it('threshold iou on sigmoid float16 outputs against dense float32 targets matches core', async () => {
    const dense = Float32Array.from({ length: size }, () => (random() < 0.4 ? 1 : 0));
    const halves = encodeFloat16(logits);
    const result = await evaluate({
      metric: 'iou',
      options: { activation: 'sigmoid', threshold: 0.3, emptyPolicy: 'one' },
      output: new ort.Tensor('float16', halves, shape),
      target: new ort.Tensor('float32', dense, shape),
    });
    const { decodeFloat16 } = await import('../src/runtime/ort-tensors.js');
    const reference = computeMetric('iou', { shape, data: decodeFloat16(halves) }, { shape, data: dense }, { activation: 'sigmoid', threshold: 0.3, emptyPolicy: 'one' });
    expectClose(result.scores.data, reference.scores.data);
  });

  it('the accumulator fed batch by batch equals core fed at once, and round-trips through JSON', async () => {
    const options = { activation: 'softmax', targetFormat: 'labels' } as const;
    const session = await createMetricSession({ metric: 'dice', options });
    sessions.push(session);
    const accumulator = session.createAccumulator();
    const perSample = size / 3;
    for (let sample = 0; sample < 3; sample++) {
      const output = new ort.Tensor('float32', logits.subarray(sample * perSample, (sample + 1) * perSample), [1, ...shape.slice(1)]);
      const target = new ort.Tensor('int32', labels.subarray(sample * 210, (sample + 1) * 210), [1, 5, 6, 7]);
      await accumulator.update(output, target, { caseIds: [`case-${sample}`] });
    }
    const reference = new MetricAccumulator('dice', options).update({ shape, data: logits }, { shape: [3, 5, 6, 7], data: labels }).compute();
    const result = accumulator.compute();
    expectClose(result.micro.data, reference.micro.data);
    expectClose(result.macro.data, reference.macro.data);
    expectClose(result.scores.data, reference.scores.data);
    expect(result.caseIds).toEqual(['case-0', 'case-1', 'case-2']);
    const restored = MetricAccumulator.fromJSON(JSON.parse(JSON.stringify(accumulator.toJSON())));
    expectClose(restored.compute().micro.data, reference.micro.data);
  });

  it('refuses bad data with the codes of SPEC.md section 7', async () => {
    const session = await createMetricSession({ metric: 'dice', options: { activation: 'softmax', targetFormat: 'labels' } });
    sessions.push(session);
    const output = new ort.Tensor('float32', logits, shape);
    const badLabels = Int32Array.from(labels);
    badLabels[17] = 9;
    await expect(session.evaluate(output, new ort.Tensor('int32', badLabels, [3, 5, 6, 7]))).rejects.toMatchObject({ code: 'E_LABEL' });
    const badLogits = Float32Array.from(logits);
    badLogits[3] = Number.NaN;
    await expect(session.evaluate(new ort.Tensor('float32', badLogits, shape), new ort.Tensor('int32', labels, [3, 5, 6, 7]))).rejects.toMatchObject({ code: 'E_NONFINITE' });
    await expect(session.evaluate(new ort.Tensor('int32', labels, [3, 5, 6, 7]), new ort.Tensor('int32', labels, [3, 5, 6, 7]))).rejects.toMatchObject({ code: 'E_SHAPE' });
  });
});
