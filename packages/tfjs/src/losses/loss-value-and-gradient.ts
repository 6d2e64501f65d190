import { DiceKitError } from '@dicekit/core';
import * as tf from '@tensorflow/tfjs-core';
import type { LossFunction } from '../types.js';
import {
  finishTensorForward,
  LOSS_INTERNALS,
  prepareCall,
  queueTensorForward,
  tensorGradient,
  usesHostPath,
  type LossInternals,
} from './create-loss.js';

/**
 * The loss and its gradient with respect to `yPred`, reading the statistics back asynchronously
 * (`await tensor.data()`), for backends whose synchronous reads stall or are unavailable (webgpu;
 * webgl without blocking the page). Same values as `tf.valueAndGrad(lossFunction)`; the gradient is
 * of the sum of the entries for `reduction: 'none'`. On cpu and wasm it runs the synchronous path.
 *
 * Chain it through a model with the surrogate `Σ yPred · stopGradient(gradient)`:
 * `optimizer.minimize(() => tf.sum(tf.mul(model.apply(x), gradient)))` after computing `gradient`.
 * The caller disposes `value` and `gradient`.
 */
export async function lossValueAndGradient(
  lossFunction: LossFunction,
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
): Promise<{ value: tf.Tensor; gradient: tf.Tensor }> {
  const internals = (lossFunction as unknown as Record<symbol, LossInternals | undefined>)[LOSS_INTERNALS];
  if (internals === undefined) throw new DiceKitError('E_OPTION', 'lossValueAndGradient needs a loss created by @dicekit/tfjs');
  const prepared = prepareCall(internals, yTrue, yPred);
  if (usesHostPath(internals.kernel)) {
    const { value, grad } = tf.valueAndGrad((prediction: tf.Tensor) => lossFunction(yTrue, prediction))(yPred);
    return { value, gradient: grad };
  }
  const pending = queueTensorForward(prepared, internals.mask, internals.checkData, yTrue, yPred);
  try {
    try {
      await pending.reader.downloadAsync();
    } finally {
      tf.dispose([...pending.reader.queued()]);
    }
    const forward = finishTensorForward(prepared, pending);
    const upstream = forward.value.rank === 0 ? null : new Float32Array(forward.value.size).fill(1);
    const gradient = tf.tidy(() => tf.reshape(tensorGradient(prepared, forward, upstream, pending.saved), yPred.shape));
    return { value: forward.value, gradient };
  } finally {
    tf.dispose(pending.saved);
  }
}
