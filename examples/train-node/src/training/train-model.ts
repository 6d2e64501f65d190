import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '@dicekit/core';
import type { SegmentationSet } from '../data/synthetic-segmentation.js';
import { evaluateModel, type Evaluation } from '../evaluation/evaluate-model.js';
import { createUNet } from '../model/unet.js';
import type { ExperimentLoss } from './loss-catalog.js';

/** Settings shared by every loss of the comparison. */
export interface TrainingSettings {
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** Seeds the initial weights and the shuffling order: identical for every loss. */
  readonly seed: number;
  readonly baseFilters: number;
}

/** Progress of one optimisation step, for the progress bar. */
export interface StepProgress {
  readonly epoch: number;
  readonly step: number;
  readonly stepsPerEpoch: number;
  readonly loss: number;
}

/** What one training run leaves: curves, final scores and the model. */
export interface TrainingRun {
  readonly loss: ExperimentLoss;
  /** Mean training loss of each epoch. */
  readonly epochLosses: number[];
  /** Per epoch, the validation micro Dice per class. */
  readonly validationDice: number[][];
  readonly final: Evaluation;
  readonly seconds: number;
  readonly model: tf.LayersModel;
}

/**
 * Trains a fresh U-Net (same seed, so the same initial weights, for every loss) with Adam on the
 * given loss through `model.compile` + `model.trainOnBatch`, reshuffling the training set each
 * epoch in a seeded order, and evaluates on the validation set after every epoch.
 */
export async function trainModel(
  loss: ExperimentLoss,
  train: SegmentationSet,
  validation: SegmentationSet,
  settings: TrainingSettings,
  onStep: (progress: StepProgress) => void = () => {},
): Promise<TrainingRun> {
  const started = performance.now();
  const model = createUNet({ size: train.size, outputChannels: 2, seed: settings.seed, baseFilters: settings.baseFilters });
  model.compile({ optimizer: tf.train.adam(settings.learningRate), loss: loss.create() });
  const pixels = train.size * train.size;
  const order = Array.from({ length: train.count }, (_, index) => index);
  const uniform = mulberry32(settings.seed ^ 0x5eed);
  const stepsPerEpoch = Math.floor(train.count / settings.batchSize);
  const epochLosses: number[] = [];
  const validationDice: number[][] = [];
  const images = new Float32Array(settings.batchSize * pixels);
  const targets = new Float32Array(settings.batchSize * pixels * 2);
  let final: Evaluation | null = null;
  for (let epoch = 0; epoch < settings.epochs; epoch++) {
    for (let index = order.length - 1; index > 0; index--) {
      const other = Math.floor(uniform() * (index + 1));
      [order[index], order[other]] = [order[other] as number, order[index] as number];
    }
    let total = 0;
    for (let step = 0; step < stepsPerEpoch; step++) {
      for (let slot = 0; slot < settings.batchSize; slot++) {
        const image = order[step * settings.batchSize + slot] as number;
        images.set(train.images.subarray(image * pixels, (image + 1) * pixels), slot * pixels);
        targets.set(train.targets.subarray(image * pixels * 2, (image + 1) * pixels * 2), slot * pixels * 2);
      }
      const x = tf.tensor4d(images, [settings.batchSize, train.size, train.size, 1]);
      const y = tf.tensor4d(targets, [settings.batchSize, train.size, train.size, 2]);
      const value = (await model.trainOnBatch(x, y)) as number;
      x.dispose();
      y.dispose();
      if (!Number.isFinite(value)) throw new Error(`${loss.label}: the training loss became ${value} at epoch ${epoch + 1}, step ${step + 1}`);
      total += value;
      onStep({ epoch, step, stepsPerEpoch, loss: value });
    }
    epochLosses.push(total / stepsPerEpoch);
    final = evaluateModel(model, validation);
    validationDice.push(final.diceMicro);
  }
  if (final === null) throw new Error('epochs must be at least 1');
  return { loss, epochLosses, validationDice, final, seconds: (performance.now() - started) / 1000, model };
}
