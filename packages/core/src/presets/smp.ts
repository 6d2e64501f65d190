import { DiceKitError } from '../errors/dicekit-error.js';
import type { LossOptions } from '../options/option-types.js';
import {
  channelCount,
  checkPeerOptionNames,
  peerBoolean,
  peerNumber,
  peerNumberList,
  refusePeerSetting,
  type PresetResult,
} from './peer-options.js';

/** The segmentation_models_pytorch loss classes `fromSmp` translates (`smp.losses`). */
export type SmpLossClass = 'DiceLoss' | 'JaccardLoss' | 'TverskyLoss';

/**
 * Which smp behaviour to reproduce: `'current'` (since qubvel-org/segmentation_models.pytorch#927, i.e.
 * 0.4.0 and later; checked against 0.5.1.dev0 main: soft-label statistics, Dice as Tversky with 0.5/0.5)
 * or `'0.3'` (0.3.x: plain `Σ p t` statistics, Dice `(2I + s) / max(P + T + s, eps)`).
 */
export type SmpVersion = 'current' | '0.3';

/** `smp.losses.DiceLoss` / `JaccardLoss` options (smp's names and defaults). */
export interface SmpDiceOptions {
  /** `'binary'` (one channel, sigmoid), `'multiclass'` (label map, softmax) or `'multilabel'` (dense, sigmoid). Required. */
  mode: 'binary' | 'multiclass' | 'multilabel';
  /** Channel indices whose losses are averaged (default all; not with `'binary'`). */
  classes?: readonly number[] | null;
  /** `-log(score)` instead of `1 - score` (default `False`). */
  log_loss?: boolean;
  /** The input are logits (default `True`). */
  from_logits?: boolean;
  /** Added to numerator and denominator (default 0). */
  smooth?: number;
  /** Target value of ignored pixels (default none; not with `'multilabel'`). */
  ignore_index?: number | null;
  /** Floor of the denominator and, with `log_loss`, of the score (default 1e-7). */
  eps?: number;
  /** Per-channel weights of the class mean (current smp only; default none). */
  class_weights?: readonly number[] | null;
}

/** `smp.losses.TverskyLoss` options. */
export interface SmpTverskyOptions extends SmpDiceOptions {
  /** Weight of false positives (default 0.5). */
  alpha?: number;
  /** Weight of false negatives (default 0.5). */
  beta?: number;
  /** Exponent applied to the MEAN loss over classes (default 1). */
  gamma?: number;
}

/** The options type of each smp class. */
export interface SmpOptionsByClass {
  DiceLoss: SmpDiceOptions;
  JaccardLoss: SmpDiceOptions;
  TverskyLoss: SmpTverskyOptions;
}

/** Which smp to reproduce, and what it learns from the data. */
export interface SmpSettings {
  /** Default `'current'`. */
  version?: SmpVersion;
  /** `C` of the input; lets `TverskyLoss(gamma != 1)` be checked to average a single class. */
  channels?: number;
}

const DICE = ['mode', 'classes', 'log_loss', 'from_logits', 'smooth', 'ignore_index', 'eps'] as const;

/**
 * Translates a segmentation_models_pytorch loss (`smp.losses.<lossClass>(**options)`) into dicekit.
 *
 * smp always pools the batch (`batchDice: true`) and zeroes the loss of classes absent from the target
 * (`absentClasses: 'zero'`, still counted in the mean). `mode` decides activation and target format:
 * `'multiclass'` is softmax over a label map, `'binary'`/`'multilabel'` sigmoid over a dense target
 * (`'binary'` with `ignore_index`: a one-channel label map). `from_logits: False` is `activation: 'none'`.
 * Current smp (`version: 'current'`) computes soft-label statistics (`softLabel: true`) and its Dice is
 * Tversky(0.5, 0.5): `(I + s) / max((P + T)/2 + s, eps)` = `(2I + 2s) / max(P + T + 2s, 2 eps)`, so
 * `smoothNumerator = smoothDenominator = 2·smooth` and `eps = 2·eps`. smp's `class_weights` give
 * `Σ w L / Σ w`; dicekit's mean is `Σ w L / C'`, so they are rescaled by `C' / Σ w` over the kept classes.
 *
 * Refused with `E_OPTION`: a one-channel `'multiclass'` softmax (with `settings.channels: 1`); `classes`
 * with `'binary'` or with repeated entries; `ignore_index` with
 * `'multilabel'` (an element mask, dicekit masks voxels); `class_weights` on 0.3.x or summing to 0;
 * `TverskyLoss(gamma != 1)` unless exactly one class is averaged (smp raises the class MEAN to gamma),
 * and `log_loss` with `gamma != 1`.
 *
 * One data-dependent difference remains, documented rather than refused: current smp's Dice with
 * `log_loss` floors the score at `eps` but the denominator at `2·eps`; dicekit has one `eps`, set to
 * smp's, so a pair with `0 < P + T + 2s < 2·eps` (only possible with soft targets) differs.
 *
 * @throws DiceKitError `E_OPTION` for an unknown or inexpressible setting.
 */
export function fromSmp<K extends SmpLossClass>(lossClass: K, options: SmpOptionsByClass[K], settings: SmpSettings = {}): PresetResult {
  const version = settings.version ?? 'current';
  if (version !== 'current' && version !== '0.3') {
    throw new DiceKitError('E_OPTION', `smp: settings.version must be 'current' or '0.3', got ${JSON.stringify(version)}`);
  }
  const peer = `smp ${version === '0.3' ? '0.3.x' : '(current)'} ${lossClass}`;
  const base: readonly string[] = version === 'current' ? [...DICE, 'class_weights'] : DICE;
  const known = lossClass === 'TverskyLoss' ? [...base, 'alpha', 'beta', 'gamma'] : lossClass === 'DiceLoss' || lossClass === 'JaccardLoss' ? base : undefined;
  if (known === undefined) refusePeerSetting('smp', `loss class '${String(lossClass)}'`, 'fromSmp supports DiceLoss, JaccardLoss and TverskyLoss');
  const raw = (options ?? {}) as unknown as Record<string, unknown>;
  if (version === '0.3' && raw.class_weights !== undefined && raw.class_weights !== null) {
    refusePeerSetting(peer, 'class_weights', 'smp 0.3.x has no class_weights option');
  }
  checkPeerOptionNames(peer, raw, known);
  const channels = channelCount(peer, settings.channels);

  const mode = raw.mode;
  if (mode !== 'binary' && mode !== 'multiclass' && mode !== 'multilabel') {
    throw new DiceKitError('E_OPTION', `${peer}: option 'mode' must be 'binary', 'multiclass' or 'multilabel', got ${JSON.stringify(mode)}`);
  }
  const fromLogits = peerBoolean(peer, raw, 'from_logits', true);
  const logLoss = peerBoolean(peer, raw, 'log_loss', false);
  const smooth = peerNumber(peer, raw, 'smooth', 0);
  const epsilon = peerNumber(peer, raw, 'eps', 1e-7);
  const ignoreIndex = raw.ignore_index === null || raw.ignore_index === undefined ? undefined : peerNumber(peer, raw, 'ignore_index', 0);

  if (mode === 'multiclass' && fromLogits && channels === 1) {
    refusePeerSetting(peer, "mode='multiclass' with from_logits=True on one channel", 'a softmax over one channel makes every probability 1; dicekit refuses a one-channel softmax');
  }
  const result: LossOptions = {
    activation: fromLogits ? (mode === 'multiclass' ? 'softmax' : 'sigmoid') : 'none',
    targetFormat: mode === 'multiclass' || (mode === 'binary' && ignoreIndex !== undefined) ? 'labels' : 'dense',
    batchDice: true,
    absentClasses: 'zero',
  };
  if (ignoreIndex !== undefined) {
    if (mode === 'multilabel') {
      refusePeerSetting(peer, "ignore_index with mode='multilabel'", 'smp then masks single (voxel, class) elements; dicekit masks whole voxels');
    }
    result.ignoreIndex = ignoreIndex;
  }
  if (version === 'current') result.softLabel = true;
  const currentDice = version === 'current' && lossClass === 'DiceLoss';
  result.smoothNumerator = currentDice ? 2 * smooth : smooth;
  result.smoothDenominator = currentDice ? 2 * smooth : smooth;
  // Current Dice floors (P + T)/2 + s at eps, i.e. P + T + 2s at 2·eps; with log_loss the score floor (eps) wins.
  result.eps = currentDice && !logLoss ? 2 * epsilon : epsilon;
  if (logLoss) result.logLoss = true;

  const classes = smpClasses(peer, raw.classes, mode);
  if (classes !== undefined) result.classes = classes;
  const weights = raw.class_weights === undefined || raw.class_weights === null ? undefined : peerNumberList(peer, 'class_weights', raw.class_weights);
  if (weights !== undefined) {
    const kept = classes ?? weights.map((_, index) => index);
    let total = 0;
    for (const index of kept) total += weights[index] ?? Number.NaN;
    if (!(total > 0)) refusePeerSetting(peer, 'class_weights', `the weights of the averaged classes sum to ${total}; smp's weighted mean divides by that sum`);
    result.classWeights = weights.map((weight) => (weight * kept.length) / total);
  }

  if (lossClass === 'TverskyLoss') {
    result.alpha = peerNumber(peer, raw, 'alpha', 0.5);
    result.beta = peerNumber(peer, raw, 'beta', 0.5);
    const gamma = peerNumber(peer, raw, 'gamma', 1);
    if (gamma !== 1) {
      if (logLoss) refusePeerSetting(peer, 'log_loss=True with gamma != 1', "dicekit's logLoss requires gamma 1");
      const averaged = mode === 'binary' ? 1 : classes !== undefined ? classes.length : channels;
      if (averaged !== 1) {
        refusePeerSetting(peer, `gamma=${gamma}`, `smp raises the MEAN over classes to gamma, dicekit each class's loss; exact only when one class is averaged (${averaged === undefined ? 'pass settings.channels' : `${averaged} are`})`);
      }
      result.gamma = gamma;
    }
    return { loss: 'tversky', options: result };
  }
  return { loss: lossClass === 'JaccardLoss' ? 'jaccard' : 'dice', options: result };
}

function smpClasses(peer: string, value: unknown, mode: string): number[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (mode === 'binary') refusePeerSetting(peer, "classes with mode='binary'", 'smp itself rejects it (one channel)');
  const list = peerNumberList(peer, 'classes', value);
  const sorted = [...list].sort((left, right) => left - right);
  for (let index = 1; index < sorted.length; index++) {
    if (sorted[index] === sorted[index - 1]) {
      refusePeerSetting(peer, `classes with the repeated entry ${sorted[index]}`, "smp then counts that class twice in its mean; dicekit's classes are a set");
    }
  }
  // smp averages loss[classes]; the order does not change a mean, dicekit wants it ascending.
  return sorted;
}
