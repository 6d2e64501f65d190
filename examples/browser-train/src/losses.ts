import { diceCELoss, diceLoss, focalTverskyLoss } from '@dicekit/tfjs';
import * as tf from '@tensorflow/tfjs';

/** The losses the page offers, by the `value` of its select (and the `?loss=` URL parameter). */
export type LossKey = 'dice' | 'diceCE' | 'focalTversky' | 'bce';

/**
 * Creates the chosen loss, `(yTrue, yPred) => tf.Scalar` on sigmoid logits `[N, H, W, 2]`
 * (channels-last, one channel per foreground class): @dicekit/tfjs's Dice, Dice + CE or focal
 * Tversky (alpha 0.3, beta 0.7, gamma 0.75), or tfjs's built-in sigmoid cross-entropy as a baseline.
 */
export function createLoss(key: LossKey): (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar {
  switch (key) {
    case 'dice':
      return diceLoss({ activation: 'sigmoid' });
    case 'diceCE':
      return diceCELoss({ activation: 'sigmoid' });
    case 'focalTversky':
      return focalTverskyLoss({ activation: 'sigmoid', alpha: 0.3, beta: 0.7 });
    case 'bce':
      return (yTrue, yPred) => tf.losses.sigmoidCrossEntropy(yTrue, yPred) as tf.Scalar;
  }
}

/** Whether `text` names one of the offered losses. */
export function isLossKey(text: string | null): text is LossKey {
  return text === 'dice' || text === 'diceCE' || text === 'focalTversky' || text === 'bce';
}
