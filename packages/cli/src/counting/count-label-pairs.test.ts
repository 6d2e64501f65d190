import { describe, expect, it } from 'vitest';
import { seededRandom } from '../test-support/generate-labels.js';
import { coreCaseMetric } from '../test-support/core-reference.js';
import type { ScoringOptions } from '../report/scoring-options.js';
import { countLabelPairs } from './count-label-pairs.js';
import { createLabelCounts } from './label-counts.js';

function randomLabels(count: number, classes: number, seed: number): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => Math.floor(random() * classes));
}

const scoring = (channels: number, ignoreIndex: number | null): ScoringOptions => ({
  channels,
  classes: null,
  includeBackground: true,
  emptyPolicy: 'nan',
  ignoreIndex,
  classNames: [],
});

describe('countLabelPairs', () => {
  const arrays = [
    ['uint8 fast path', (values: number[]) => Uint8Array.from(values)],
    ['int16', (values: number[]) => Int16Array.from(values)],
    ['float32', (values: number[]) => Float32Array.from(values)],
  ] as const;
  it.each(arrays)('equals core statistics exactly (%s, with and without ignoreIndex)', (_name, make) => {
    for (const [channels, ignoreIndex, seed] of [
      [2, null, 1],
      [5, null, 2],
      [5, 7, 3],
    ] as const) {
      const prediction = randomLabels(3000, channels, seed);
      const truth = randomLabels(3000, channels, seed + 100).map((value, index) => (ignoreIndex !== null && index % 7 === 0 ? ignoreIndex : value));
      const counts = createLabelCounts(channels);
      countLabelPairs(make(prediction), make(truth), counts, ignoreIndex);
      const reference = coreCaseMetric('dice', prediction, truth, scoring(channels, ignoreIndex)).statistics;
      expect(Array.from(counts.intersection)).toEqual(Array.from(reference.intersection));
      expect(Array.from(counts.prediction)).toEqual(Array.from(reference.prediction));
      expect(Array.from(counts.target)).toEqual(Array.from(reference.target));
      expect(counts.outsidePrediction.size + counts.outsideTarget.size).toBe(0);
      expect(counts.ignored).toBe(ignoreIndex === null ? 0 : Math.ceil(3000 / 7));
    }
  });

  it.each(arrays)('tallies labels outside [0, C) by value instead of counting them (%s)', (_name, make) => {
    const prediction = [0, 1, 2, 9, 1, 0];
    const truth = [0, 1, 1, 1, 4, 255];
    const counts = createLabelCounts(3);
    countLabelPairs(make(prediction), make(truth), counts, 255);
    expect([...counts.outsidePrediction]).toEqual([[9, 1]]);
    expect([...counts.outsideTarget]).toEqual([[4, 1]]);
    expect(counts.ignored).toBe(1);
    expect(Array.from(counts.intersection)).toEqual([1, 1, 0]);
    expect(Array.from(counts.prediction)).toEqual([1, 1, 1]);
    expect(Array.from(counts.target)).toEqual([1, 2, 0]);
  });

  it('counts runs of agreeing labels (the word path), aligned or not, exactly as core', () => {
    const random = seededRandom(77);
    const prediction: number[] = [];
    const truth: number[] = [];
    // Long runs of one agreed label, broken by disagreements and label changes at odd positions.
    while (prediction.length < 5000) {
      const label = Math.floor(random() * 4);
      const length = 1 + Math.floor(random() * 60);
      for (let step = 0; step < length; step++) {
        prediction.push(label);
        truth.push(random() < 0.05 ? Math.floor(random() * 4) : label);
      }
    }
    const reference = coreCaseMetric('dice', prediction, truth, scoring(4, null)).statistics;
    for (const offset of [0, 1, 2, 3]) {
      // Copies with `offset` leading bytes make the views start at every alignment.
      const predictionBytes = new Uint8Array(prediction.length + offset);
      predictionBytes.set(prediction, offset);
      const truthBytes = new Uint8Array(truth.length + 4);
      truthBytes.set(truth, offset);
      const counts = createLabelCounts(4);
      countLabelPairs(predictionBytes.subarray(offset), truthBytes.subarray(offset, offset + truth.length), counts, null);
      expect(Array.from(counts.intersection)).toEqual(Array.from(reference.intersection));
      expect(Array.from(counts.prediction)).toEqual(Array.from(reference.prediction));
      expect(Array.from(counts.target)).toEqual(Array.from(reference.target));
    }
  });

  it('treats non-integer and negative float labels as outside', () => {
    const counts = createLabelCounts(3);
    countLabelPairs(Float64Array.from([0.5, -1, 1, Number.NaN]), Float64Array.from([0, 0, 1, 1]), counts, null);
    expect(counts.outsidePrediction.size).toBe(3);
    expect(Array.from(counts.intersection)).toEqual([0, 1, 0]);
  });
});
