import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MetricAccumulator, computeMetric } from '@dicekit/core';
import { describe, expect, it } from 'vitest';
import { evaluatePredictions } from '../src/evaluate-predictions.js';
import { formatReport } from '../src/format-report.js';
import { makeEvaluationSet } from '../src/synthetic-predictions.js';

const options = { activation: 'softmax', targetFormat: 'labels', includeBackground: false } as const;

describe('onnxruntime-eval', () => {
  it('scores equal @dicekit/core computeMetric and MetricAccumulator on the same data', async () => {
    const set = makeEvaluationSet(12, 99, 48, 40);
    const report = await evaluatePredictions(set, 5);
    const input = { shape: [set.cases, 3, set.height, set.width], data: set.logits };
    const target = { shape: [set.cases, set.height, set.width], data: set.labels };
    for (const metric of ['dice', 'iou'] as const) {
      const reference = computeMetric(metric, input, target, options);
      const accumulator = new MetricAccumulator(metric, options).update(input, target).compute();
      const scores = report[metric];
      expect(scores.classes).toEqual([1, 2]);
      // Hard statistics are integer pixel counts, so the scores agree to the last bit or nearly.
      scores.macro.forEach((value, index) => expect(value).toBeCloseTo(reference.perClass.data[index] as number, 12));
      scores.micro.forEach((value, index) => expect(value).toBeCloseTo(accumulator.micro.data[index] as number, 12));
    }
    const firstBatch = computeMetric('dice', { shape: [5, 3, set.height, set.width], data: set.logits.subarray(0, 5 * 3 * set.height * set.width) }, { shape: [5, set.height, set.width], data: set.labels.subarray(0, 5 * set.height * set.width) }, options);
    report.firstBatchDice.forEach((value, index) => expect(value).toBeCloseTo(firstBatch.perClass.data[index] as number, 12));
    // The simulated model is decent on the organ and poor on the small lesions, as designed.
    expect(report.dice.micro[0]).toBeGreaterThan(0.8);
    expect(report.dice.micro[1]).toBeLessThan(report.dice.micro[0] as number);
  });

  it('the command prints the per-class table that core computes for its data', () => {
    const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
    const printed = execFileSync(process.execPath, ['--import', 'tsx', '--conditions=source', 'src/main.ts'], { cwd: root, encoding: 'utf8' });
    const set = makeEvaluationSet(32, 2024);
    const input = { shape: [set.cases, 3, set.height, set.width], data: set.logits };
    const target = { shape: [set.cases, set.height, set.width], data: set.labels };
    const dice = new MetricAccumulator('dice', options).update(input, target).compute();
    const iou = new MetricAccumulator('iou', options).update(input, target).compute();
    const expected = formatReport({
      dice: { micro: Array.from(dice.micro.data), macro: Array.from(dice.macro.data), classes: dice.classes },
      iou: { micro: Array.from(iou.micro.data), macro: Array.from(iou.macro.data), classes: iou.classes },
      firstBatchDice: [],
    });
    expect(printed).toContain(expected);
    expect(printed).toMatch(/\| organ +\| +0\.\d{4} \|/);
  });
});
