import { diceCELoss, diceLoss, focalTverskyLoss } from '@dicekit/tfjs';
import * as tf from '@tensorflow/tfjs';

/** A loss the experiment compares: a stable key, a display label and a tfjs loss function. */
export interface ExperimentLoss {
  readonly key: 'bce' | 'dice' | 'diceCE' | 'focalTversky';
  readonly label: string;
  /** How the loss is configured, for the report. */
  readonly description: string;
  /** `(yTrue, yPred) => tf.Scalar` on one-hot targets and logits `[N, H, W, 2]` (channels-last). */
  readonly create: () => (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar;
}

/**
 * The four losses of the comparison, all on sigmoid logits (each foreground class its own channel):
 * - BCE: tfjs's own `tf.losses.sigmoidCrossEntropy`, mean over every pixel and class (the baseline);
 * - Dice: `diceLoss({ activation: 'sigmoid' })`, per image and class, then the mean;
 * - Dice + CE: `diceCELoss({ activation: 'sigmoid' })`, the Dice term plus binary cross-entropy;
 * - focal Tversky: `focalTverskyLoss({ activation: 'sigmoid', alpha: 0.3, beta: 0.7 })`, gamma 0.75,
 *   false negatives weighted more than false positives (Abraham & Khan 2019).
 */
export const EXPERIMENT_LOSSES: readonly ExperimentLoss[] = [
  {
    key: 'bce',
    label: 'BCE',
    description: 'tf.losses.sigmoidCrossEntropy (tfjs built-in)',
    create: () => (yTrue, yPred) => tf.losses.sigmoidCrossEntropy(yTrue, yPred) as tf.Scalar,
  },
  {
    key: 'dice',
    label: 'Dice',
    description: "diceLoss({ activation: 'sigmoid' })",
    create: () => diceLoss({ activation: 'sigmoid' }),
  },
  {
    key: 'diceCE',
    label: 'Dice+CE',
    description: "diceCELoss({ activation: 'sigmoid' })",
    create: () => diceCELoss({ activation: 'sigmoid' }),
  },
  {
    key: 'focalTversky',
    label: 'Focal Tversky',
    description: "focalTverskyLoss({ activation: 'sigmoid', alpha: 0.3, beta: 0.7 }) (gamma 0.75)",
    create: () => focalTverskyLoss({ activation: 'sigmoid', alpha: 0.3, beta: 0.7 }),
  },
];
