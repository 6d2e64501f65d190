import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDiceKitError } from '../errors/dicekit-error.js';
import { computeLoss } from '../losses/compute-loss.js';
import type { Layout } from '../options/option-types.js';
import { computeMetric } from './compute-metric.js';
import { MetricAccumulator } from './metric-accumulator.js';

interface Dataset {
  readonly channels: number;
  readonly spatial: number[];
  /** One entry per case: logits [C, ...spatial] and a label map [...spatial] and a binary mask. */
  readonly cases: Array<{ logits: Float64Array; labels: Int32Array; mask: Float64Array }>;
}

const dataset: fc.Arbitrary<Dataset> = fc
  .record({
    channels: fc.integer({ min: 2, max: 4 }),
    spatial: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 2 }),
    count: fc.integer({ min: 1, max: 9 }),
    seed: fc.integer({ min: 1, max: 1e9 }),
  })
  .map(({ channels, spatial, count, seed }) => {
    let state = seed;
    const random = () => {
      state = (state * 48271) % 2147483647;
      return state / 2147483647;
    };
    const voxels = spatial.reduce((a, b) => a * b, 1);
    const cases = Array.from({ length: count }, () => ({
      logits: Float64Array.from({ length: channels * voxels }, () => -3 + 6 * random()),
      labels: Int32Array.from({ length: voxels }, () => (random() < 0.3 ? 0 : Math.floor(random() * channels))),
      mask: Float64Array.from({ length: voxels }, () => (random() < 0.15 ? 0 : 1)),
    }));
    return { channels, spatial, cases };
  });

function batchOf(data: Dataset, indices: number[]) {
  const voxels = data.spatial.reduce((a, b) => a * b, 1);
  const input = new Float64Array(indices.length * data.channels * voxels);
  const target = new Int32Array(indices.length * voxels);
  const mask = new Float64Array(indices.length * voxels);
  indices.forEach((caseIndex, row) => {
    const item = data.cases[caseIndex]!;
    input.set(item.logits, row * data.channels * voxels);
    target.set(item.labels, row * voxels);
    mask.set(item.mask, row * voxels);
  });
  return {
    input: { shape: [indices.length, data.channels, ...data.spatial], data: input },
    target: { shape: [indices.length, ...data.spatial], data: target },
    mask: { shape: [indices.length, ...data.spatial], data: mask },
    caseIds: indices.map((index) => `case-${index}`),
  };
}

function byCase(result: ReturnType<MetricAccumulator['compute']>) {
  const columns = result.classes.length;
  const rows = result.caseIds.map((id, row) => [id, Array.from(result.scores.data.slice(row * columns, (row + 1) * columns))] as const);
  return new Map(rows);
}

describe('MetricAccumulator: exact across batches, workers and machines', () => {
  it('any partition into batches and any merge order give identical results (bitwise)', () => {
    fc.assert(
      fc.property(dataset, fc.array(fc.nat(), { minLength: 1, maxLength: 9 }), fc.nat(), fc.constantFrom('dice', 'iou' as const), (data, cuts, seed, metric) => {
        const options = { activation: 'softmax', targetFormat: 'labels', includeBackground: false, emptyPolicy: 'nan' } as const;
        const all = data.cases.map((_, index) => index);
        const single = new MetricAccumulator(metric, options);
        const whole = batchOf(data, all);
        single.update(whole.input, whole.target, { mask: whole.mask, caseIds: whole.caseIds });

        // Split into batches at the cut points, accumulate each separately, merge in a shuffled order.
        const boundaries = [...new Set(cuts.map((cut) => cut % (all.length + 1)))].sort((a, b) => a - b);
        const parts: number[][] = [];
        let start = 0;
        for (const boundary of [...boundaries, all.length]) {
          if (boundary > start) parts.push(all.slice(start, boundary));
          start = Math.max(start, boundary);
        }
        const accumulators = parts.map((part) => {
          const accumulator = new MetricAccumulator(metric, options);
          const batch = batchOf(data, part);
          return accumulator.update(batch.input, batch.target, { mask: batch.mask, caseIds: batch.caseIds });
        });
        const order = accumulators.map((_, index) => index).sort((a, b) => ((a * 31 + seed) % 7) - ((b * 31 + seed) % 7));
        const merged = new MetricAccumulator(metric, options);
        for (const index of order) merged.merge(accumulators[index]!);

        const expected = single.compute();
        const actual = merged.compute();
        expect(actual.cases).toBe(expected.cases);
        expect(byCase(actual)).toEqual(byCase(expected));
        expect(Array.from(actual.micro.data)).toEqual(Array.from(expected.micro.data));
        expect(Array.from(actual.macro.data)).toEqual(Array.from(expected.macro.data));
        expect(Object.is(actual.mean, expected.mean)).toBe(true);
        expect(actual.counted).toBe(expected.counted);
        // Statistics of integer-valued inputs sum exactly in any order.
        const sum = (values: Float64Array) => values.reduce((a, b) => a + b, 0);
        expect(sum(merged.statistics().intersection)).toBe(sum(single.statistics().intersection));
      }),
      { numRuns: 150, seed: 11 },
    );
  });

  it('per-case scores equal computeMetric, micro equals a pooled computeMetric', () => {
    fc.assert(
      fc.property(dataset, (data) => {
        const options = { activation: 'softmax', targetFormat: 'labels', emptyPolicy: 'one' } as const;
        const batch = batchOf(data, data.cases.map((_, index) => index));
        const accumulator = new MetricAccumulator('dice', options).update(batch.input, batch.target, { mask: batch.mask });
        const result = accumulator.compute();
        const direct = computeMetric('dice', batch.input, batch.target, { ...options, mask: batch.mask });
        expect(Array.from(result.scores.data)).toEqual(Array.from(direct.scores.data));
        const pooled = computeMetric('dice', batch.input, batch.target, { ...options, mask: batch.mask, batchDice: true });
        result.micro.data.forEach((value, index) => expect(value).toBeCloseTo(pooled.scores.data[index] as number, 14));
      }),
      { numRuns: 60, seed: 12 },
    );
  });

  it('JSON round trip is exact, and a mismatched configuration is refused with E_OPTION', () => {
    fc.assert(
      fc.property(dataset, (data) => {
        const options = { activation: 'softmax', targetFormat: 'labels', emptyPolicy: 'zero' } as const;
        const batch = batchOf(data, data.cases.map((_, index) => index));
        const accumulator = new MetricAccumulator('iou', options).update(batch.input, batch.target, { mask: batch.mask, caseIds: batch.caseIds });
        const text = JSON.stringify(accumulator);
        const restored = MetricAccumulator.fromJSON(JSON.parse(text), { metric: 'iou', options });
        expect(JSON.stringify(restored)).toBe(text);
        expect(restored.compute()).toEqual(accumulator.compute());
        let code: string | undefined;
        try {
          MetricAccumulator.fromJSON(JSON.parse(text), { metric: 'iou', options: { ...options, emptyPolicy: 'nan' } });
        } catch (error) {
          code = isDiceKitError(error) ? error.code : 'other';
        }
        expect(code).toBe('E_OPTION');
      }),
      { numRuns: 40, seed: 13 },
    );
    const a = new MetricAccumulator('dice', { threshold: 0.3 });
    const b = new MetricAccumulator('dice', { threshold: 0.5 });
    expect(() => a.merge(b)).toThrow(/different configurations/);
    expect(() => new MetricAccumulator('dice', { batchDice: true })).toThrow(/batchDice/);
    expect(() => MetricAccumulator.fromJSON({ format: 'other' })).toThrow(/not a dicekit-metric-statistics\/1 state/);
  });
});

describe('hard metrics agree with the soft losses by construction', () => {
  it('dice metric = 1 - dice loss with zero smoothing on binary inputs (per pair)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
        fc.constantFrom<Layout>('channels-first', 'channels-last'),
        fc.integer({ min: 1, max: 1e9 }),
        (batch, channels, spatial, layout, seed) => {
          const size = batch * channels * spatial.reduce((a, b) => a * b, 1);
          let state = seed;
          const bit = () => {
            state = (state * 48271) % 2147483647;
            return state % 3 === 0 ? 1 : 0;
          };
          const shape = layout === 'channels-first' ? [batch, channels, ...spatial] : [batch, ...spatial, channels];
          const input = { shape, data: Float64Array.from({ length: size }, bit) };
          const target = { shape, data: Float64Array.from({ length: size }, bit) };
          const metric = computeMetric('dice', input, target, { layout, emptyPolicy: 'one' });
          const loss = computeLoss('dice', input, target, { layout, smoothNumerator: 0, smoothDenominator: 0, reduction: 'none' });
          metric.scores.data.forEach((score, index) => expect(score).toBeCloseTo(1 - (loss.loss.data[index] as number), 14));
        },
      ),
      { numRuns: 200, seed: 14 },
    );
  });

  it('scores an empty target with a non-empty prediction 0 under every policy; precision and recall', () => {
    const input = { shape: [1, 2, 3], data: [0.9, 0.9, 0.1, 0.1, 0.1, 0.1] };
    const target = { shape: [1, 2, 3], data: [0, 0, 0, 0, 0, 0] };
    for (const emptyPolicy of ['nan', 'one', 'zero'] as const) {
      const result = computeMetric('dice', input, target, { emptyPolicy });
      expect(result.scores.data[0]).toBe(0);
      const expectedEmpty = emptyPolicy === 'nan' ? NaN : emptyPolicy === 'one' ? 1 : 0;
      expect(Object.is(result.scores.data[1], expectedEmpty)).toBe(true);
      expect(result.counted).toBe(emptyPolicy === 'nan' ? 1 : 2);
    }
    const overlap = computeMetric('iou', { shape: [1, 1, 4], data: [0.9, 0.9, 0.9, 0.1] }, { shape: [1, 1, 4], data: [1, 0, 0, 1] });
    expect(overlap.scores.data[0]).toBeCloseTo(1 / 4, 15);
    expect(overlap.precision.data[0]).toBeCloseTo(1 / 3, 15);
    expect(overlap.recall.data[0]).toBeCloseTo(1 / 2, 15);
  });
});
