import { DiceKitError, LOSS_NAMES, type LossName } from '@dicekit/core';
import { createLoss } from '../losses/create-loss.js';
import type { LossConfig, LossFunction } from '../types.js';

/**
 * The JSON description `{ loss, options }` of a dicekit loss. tfjs-layers serialises only string
 * losses, so store it beside the model: `model.setUserDefinedMetadata({ dicekitLoss:
 * serializeLoss(loss) })` before `model.save(...)`, and after `tf.loadLayersModel(...)` compile with
 * `deserializeLoss(model.getUserDefinedMetadata().dicekitLoss)`. A `mask` tensor is not serialised.
 */
export function serializeLoss(lossFunction: LossFunction): LossConfig {
  const config = (lossFunction as Partial<LossFunction>).dicekit;
  if (config === undefined) throw new DiceKitError('E_OPTION', 'serializeLoss needs a loss created by @dicekit/tfjs');
  return JSON.parse(JSON.stringify(config)) as LossConfig;
}

/** Re-creates the loss described by `serializeLoss` (options are validated again). */
export function deserializeLoss(config: unknown): LossFunction {
  if (config === null || typeof config !== 'object') throw new DiceKitError('E_OPTION', 'a dicekit loss config must be an object { loss, options }');
  const { loss, options } = config as { loss?: unknown; options?: unknown };
  if (typeof loss !== 'string' || !(LOSS_NAMES as readonly string[]).includes(loss)) {
    throw new DiceKitError('E_OPTION', `unknown dicekit loss ${JSON.stringify(loss)}`);
  }
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new DiceKitError('E_OPTION', 'a dicekit loss config has options as an object');
  }
  return createLoss(loss as LossName, (options ?? {}) as LossConfig['options']);
}
