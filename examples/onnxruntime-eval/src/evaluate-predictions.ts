import { createMetricSession, type OrtModule } from '@dicekit/onnxruntime-web';
import * as ort from 'onnxruntime-web';
import type { EvaluationSet } from './synthetic-predictions.js';

/** Per-class results of one metric over the whole set. */
export interface ClassScores {
  /** From the statistics summed over all cases (every pixel counts once). */
  readonly micro: number[];
  /** Mean over cases of the per-case score, skipping cases where the class is absent from both. */
  readonly macro: number[];
  /** The channel index of each entry. */
  readonly classes: readonly number[];
}

/** Dice and IoU of the set, per foreground class. */
export interface EvaluationReport {
  readonly dice: ClassScores;
  readonly iou: ClassScores;
  /** The one-shot `evaluate()` of the first batch: per-class mean over its cases. */
  readonly firstBatchDice: number[];
}

/**
 * Scores the simulated model outputs with @dicekit/onnxruntime-web: the logits and the label maps
 * go in as `ort.Tensor`s (float32 `[N, 3, H, W]` and int32 `[N, H, W]`), the metric graph runs in
 * onnxruntime-web (argmax over the softmax channels, then the per-class intersection and sums), and
 * an accumulator adds batch after batch exactly. Options: softmax outputs, label-map targets,
 * background excluded.
 */
export async function evaluatePredictions(set: EvaluationSet, batchSize = 8): Promise<EvaluationReport> {
  // One thread: no worker start-up, and the same results everywhere.
  ort.env.wasm.numThreads = 1;
  const options = { activation: 'softmax', targetFormat: 'labels', includeBackground: false } as const;
  const runtime = ort as unknown as OrtModule;
  const dice = await createMetricSession({ metric: 'dice', options, ort: runtime });
  const iou = await createMetricSession({ metric: 'iou', options, ort: runtime });
  try {
    const diceAccumulator = dice.createAccumulator();
    const iouAccumulator = iou.createAccumulator();
    const pixels = set.height * set.width;
    let firstBatchDice: number[] = [];
    for (let start = 0; start < set.cases; start += batchSize) {
      const count = Math.min(batchSize, set.cases - start);
      const output = new ort.Tensor('float32', set.logits.slice(start * 3 * pixels, (start + count) * 3 * pixels), [count, 3, set.height, set.width]);
      const target = new ort.Tensor('int32', set.labels.slice(start * pixels, (start + count) * pixels), [count, set.height, set.width]);
      const caseIds = Array.from({ length: count }, (_, offset) => `case-${String(start + offset).padStart(3, '0')}`);
      await diceAccumulator.update(output, target, { caseIds });
      await iouAccumulator.update(output, target, { caseIds });
      if (start === 0) firstBatchDice = Array.from((await dice.evaluate(output, target)).perClass.data);
    }
    const summarise = (accumulated: ReturnType<typeof diceAccumulator.compute>): ClassScores => ({
      micro: Array.from(accumulated.micro.data),
      macro: Array.from(accumulated.macro.data),
      classes: accumulated.classes,
    });
    return { dice: summarise(diceAccumulator.compute()), iou: summarise(iouAccumulator.compute()), firstBatchDice };
  } finally {
    await dice.dispose();
    await iou.dispose();
  }
}
