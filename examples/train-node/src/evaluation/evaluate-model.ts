import { MetricAccumulator } from '@dicekit/core';
import * as tf from '@tensorflow/tfjs';
import type { SegmentationSet } from '../data/synthetic-segmentation.js';

/** Dataset-level validation scores of one model, per foreground class. */
export interface Evaluation {
  /** Per class: Dice of the statistics pooled over every image (micro). */
  readonly diceMicro: number[];
  /** Per class: mean over images of the per-image Dice, images where the class is absent from
   * both target and prediction skipped (macro, emptyPolicy 'nan'). */
  readonly diceMacro: number[];
  readonly iouMicro: number[];
  readonly iouMacro: number[];
  /** The logits of every image, `[count, size, size, 2]`, for the figures. */
  readonly logits: Float32Array;
}

/**
 * Predicts `set` in batches and scores it with @dicekit/core's exact streaming `MetricAccumulator`
 * (hard metrics: `sigmoid(logit) >= 0.5` per class, channels-last, dense one-hot targets).
 */
export function evaluateModel(model: tf.LayersModel, set: SegmentationSet, batchSize = 32): Evaluation {
  const channels = 2;
  const pixels = set.size * set.size;
  const options = { activation: 'sigmoid', layout: 'channels-last' } as const;
  const dice = new MetricAccumulator('dice', options);
  const iou = new MetricAccumulator('iou', options);
  const logits = new Float32Array(set.count * pixels * channels);
  for (let start = 0; start < set.count; start += batchSize) {
    const count = Math.min(batchSize, set.count - start);
    const batchLogits = tf.tidy(() => {
      const images = tf.tensor4d(set.images.subarray(start * pixels, (start + count) * pixels), [count, set.size, set.size, 1]);
      return (model.predict(images) as tf.Tensor).dataSync() as Float32Array;
    });
    logits.set(batchLogits, start * pixels * channels);
    const input = { shape: [count, set.size, set.size, channels], data: batchLogits };
    const target = { shape: input.shape, data: set.targets.subarray(start * pixels * channels, (start + count) * pixels * channels) };
    dice.update(input, target);
    iou.update(input, target);
  }
  const diceResult = dice.compute();
  const iouResult = iou.compute();
  return {
    diceMicro: Array.from(diceResult.micro.data),
    diceMacro: Array.from(diceResult.macro.data),
    iouMicro: Array.from(iouResult.micro.data),
    iouMacro: Array.from(iouResult.macro.data),
    logits,
  };
}
