import { DiceKitError } from '../errors/dicekit-error.js';
import type { LossOptions } from '../options/option-types.js';
import { checkPeerOptionNames, peerNumber, peerNumberList, refusePeerSetting, type PresetResult } from './peer-options.js';

/** The kornia losses `fromKornia` translates (`kornia.losses`). */
export type KorniaLossClass = 'dice_loss' | 'DiceLoss';

/** `kornia.losses.dice_loss` / `DiceLoss` options (kornia's names and defaults). */
export interface KorniaDiceOptions {
  /** `'micro'` (default: one score per sample over all classes) or `'macro'` (per class, averaged). */
  average?: 'micro' | 'macro';
  /** Added to the denominator (default 1e-8). */
  eps?: number;
  /** Per-class weights (default none; only with `'macro'`). */
  weight?: readonly number[] | null;
  /** Label of ignored pixels (default -100); only the default is accepted, see below. */
  ignore_index?: number;
}

/**
 * Translates kornia's `dice_loss(pred, target, **options)` into dicekit: softmax logits, per (sample,
 * class) `1 - 2I / (P + T + eps)` (`smoothNumerator: 0`, `smoothDenominator: eps`) averaged with
 * `'macro'`; `'micro'` pools the classes of each sample (`generalizedDice`, `weightType: 'uniform'`).
 * kornia's `weight` gives `Σ_c w L / Σ w`, rescaled here by `C / Σ w` for dicekit's plain mean.
 *
 * kornia one-hot encodes the labels with a 1e-6 smoothing (`onehot·(1 - 1e-6) + 1e-6`), which a dicekit
 * label map does not do: the translation is exact for `targetFormat: 'dense'` with that smoothed one-hot
 * as the target (what the result says); with an exact one-hot the values differ by about 1e-6.
 *
 * Refused with `E_OPTION`: `weight` with `'micro'`, and an `ignore_index` other than -100 (a dense
 * target cannot mark ignored pixels). Only `'macro'` is covered by golden cases.
 *
 * @throws DiceKitError `E_OPTION` for an unknown or inexpressible setting.
 */
export function fromKornia(lossClass: KorniaLossClass, options: KorniaDiceOptions = {}): PresetResult {
  const peer = `kornia ${lossClass}`;
  if (lossClass !== 'dice_loss' && lossClass !== 'DiceLoss') refusePeerSetting('kornia', `loss '${String(lossClass)}'`, 'fromKornia supports dice_loss / DiceLoss');
  const raw = options as Record<string, unknown>;
  checkPeerOptionNames(peer, raw, ['average', 'eps', 'weight', 'ignore_index']);
  const average = raw.average ?? 'micro';
  if (average !== 'micro' && average !== 'macro') {
    throw new DiceKitError('E_OPTION', `${peer}: average must be 'micro' or 'macro', got ${JSON.stringify(average)}`);
  }
  if (peerNumber(peer, raw, 'ignore_index', -100) !== -100) {
    refusePeerSetting(peer, 'ignore_index', "the exact counterpart takes kornia's smoothed one-hot as a dense target, which cannot mark ignored pixels, and dicekit's label maps are not smoothed");
  }
  const result: LossOptions = {
    activation: 'softmax',
    targetFormat: 'dense',
    smoothNumerator: 0,
    smoothDenominator: peerNumber(peer, raw, 'eps', 1e-8),
  };
  const weight = raw.weight === undefined || raw.weight === null ? undefined : peerNumberList(peer, 'weight', raw.weight);
  if (average === 'micro') {
    if (weight !== undefined) refusePeerSetting(peer, "weight with average='micro'", "the micro translation is generalizedDice with uniform weights, whose pooled class sums take no per-class weights");
    return { loss: 'generalizedDice', options: { ...result, weightType: 'uniform' } };
  }
  if (weight !== undefined) {
    const total = weight.reduce((sum, value) => sum + value, 0);
    if (!(total > 0)) refusePeerSetting(peer, 'weight', `the weights sum to ${total}; kornia divides by that sum`);
    result.classWeights = weight.map((value) => (value * weight.length) / total);
  }
  return { loss: 'dice', options: result };
}
