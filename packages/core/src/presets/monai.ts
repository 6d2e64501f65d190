import { DiceKitError } from '../errors/dicekit-error.js';
import type { LossOptions, Reduction } from '../options/option-types.js';
import {
  channelCount,
  checkPeerOptionNames,
  peerBoolean,
  peerNumber,
  peerNumberList,
  refusePeerSetting,
  type PresetResult,
} from './peer-options.js';

/** The MONAI loss classes `fromMonai` translates (MONAI 1.5, `monai.losses`). */
export type MonaiLossClass =
  | 'DiceLoss'
  | 'MaskedDiceLoss'
  | 'GeneralizedDiceLoss'
  | 'TverskyLoss'
  | 'DiceCELoss'
  | 'DiceFocalLoss';

/** Options every MONAI Dice-family class takes (MONAI's names and defaults). */
export interface MonaiCommonOptions {
  /** `False` drops channel 0 after activation (default `True`). Ignored by MONAI when `C == 1`. */
  include_background?: boolean;
  /** One-hot encode a `(N, 1, ...)` label map target (default `False`): dicekit `targetFormat: 'labels'`. */
  to_onehot_y?: boolean;
  /** Apply a sigmoid to the input (default `False`). */
  sigmoid?: boolean;
  /** Apply a softmax over channels (default `False`). Ignored by MONAI when `C == 1`. */
  softmax?: boolean;
  /** A callable activation. Never expressible: only `null`/absent is accepted. */
  other_act?: null;
  /** `'mean'` (default), `'sum'` or `'none'`. */
  reduction?: Reduction;
  /** Numerator smoothing (default 1e-5). */
  smooth_nr?: number;
  /** Denominator smoothing (default 1e-5). */
  smooth_dr?: number;
  /** Pool the statistics over the batch (default `False`): dicekit `batchDice`. */
  batch?: boolean;
  /** Wang & Blaschko soft-label statistics (default `False`). */
  soft_label?: boolean;
}

/** `monai.losses.DiceLoss` / `MaskedDiceLoss` options. */
export interface MonaiDiceOptions extends MonaiCommonOptions {
  /** V-Net squared denominator (default `False`). */
  squared_pred?: boolean;
  /** Soft Jaccard instead of Dice (default `False`); MONAI's form halves both smoothing terms. */
  jaccard?: boolean;
  /**
   * Per-class weights. DiceLoss: one per channel left after `include_background` (a number: the same for
   * all). DiceCELoss: torch's CE weight, one per channel, background included.
   */
  weight?: number | readonly number[] | null;
}

/** `monai.losses.GeneralizedDiceLoss` options. */
export interface MonaiGeneralizedDiceOptions extends MonaiCommonOptions {
  /** `'square'` (default), `'simple'` or `'uniform'`. */
  w_type?: 'square' | 'simple' | 'uniform';
}

/** `monai.losses.TverskyLoss` options. */
export interface MonaiTverskyOptions extends MonaiCommonOptions {
  /** Weight of false positives (default 0.5). */
  alpha?: number;
  /** Weight of false negatives (default 0.5). */
  beta?: number;
}

/** `monai.losses.DiceCELoss` options. */
export interface MonaiDiceCEOptions extends MonaiDiceOptions {
  /** Weight of the Dice term (default 1). */
  lambda_dice?: number;
  /** Weight of the cross-entropy term (default 1). */
  lambda_ce?: number;
  /** Cross-entropy label smoothing (default 0); only 0 is expressible. */
  label_smoothing?: number;
}

/**
 * `monai.losses.DiceFocalLoss` options. MONAI 1.5 computes its focal term with a sigmoid whatever
 * `softmax` says (Project-MONAI/MONAI#8242), so only `sigmoid=True` is translated.
 */
export interface MonaiDiceFocalOptions extends MonaiDiceOptions {
  /** Focal exponent (default 2). */
  gamma?: number;
  /** Focal alpha (default none). */
  alpha?: number | null;
  /** Weight of the Dice term (default 1). */
  lambda_dice?: number;
  /** Weight of the focal term (default 1). */
  lambda_focal?: number;
}

/** The options type of each MONAI class. */
export interface MonaiOptionsByClass {
  DiceLoss: MonaiDiceOptions;
  MaskedDiceLoss: MonaiDiceOptions;
  GeneralizedDiceLoss: MonaiGeneralizedDiceOptions;
  TverskyLoss: MonaiTverskyOptions;
  DiceCELoss: MonaiDiceCEOptions;
  DiceFocalLoss: MonaiDiceFocalOptions;
}

/** What MONAI only learns from the data. */
export interface MonaiSettings {
  /**
   * `C`, the input's channel count. Needed where MONAI's behaviour depends on it: a scalar `weight`,
   * `DiceCELoss` with `sigmoid` (BCE only when `C == 1`), `DiceFocalLoss` with `weight`. With `C == 1`
   * MONAI ignores `include_background`, `to_onehot_y` and (in the Dice term) `weight`.
   */
  channels?: number;
}

const COMMON = [
  'include_background',
  'to_onehot_y',
  'sigmoid',
  'softmax',
  'other_act',
  'reduction',
  'smooth_nr',
  'smooth_dr',
  'batch',
  'soft_label',
] as const;
const DICE = [...COMMON, 'squared_pred', 'jaccard', 'weight'] as const;
const KNOWN: Record<MonaiLossClass, readonly string[]> = {
  DiceLoss: DICE,
  MaskedDiceLoss: DICE,
  GeneralizedDiceLoss: [...COMMON, 'w_type'],
  TverskyLoss: [...COMMON, 'alpha', 'beta'],
  DiceCELoss: [...DICE, 'lambda_dice', 'lambda_ce', 'label_smoothing'],
  DiceFocalLoss: [...DICE, 'gamma', 'alpha', 'lambda_dice', 'lambda_focal'],
};

/**
 * Translates a MONAI 1.5 loss (`monai.losses.<lossClass>(**options)`) into dicekit.
 *
 * Rules: `sigmoid`/`softmax` become `activation`; `to_onehot_y` is `targetFormat: 'labels'` (else
 * `'dense'`); `batch` is `batchDice`; `smooth_nr`/`smooth_dr` are `smoothNumerator`/`smoothDenominator`
 * (halved with `jaccard`, since MONAI computes `1 - (2I + nr) / (2(P + T - I) + dr)`); `squared_pred`
 * is `squared` (it makes MONAI's `soft_label` a no-op); `weight` becomes `classWeights` over all `C`
 * channels (DiceLoss: MONAI's weights cover the channels left after `include_background`, so the dropped
 * background gets a placeholder 1; DiceCELoss: MONAI's weight is torch's CE weight over all `C` channels
 * and its Dice term takes `weight[1:]`, exactly dicekit's rule). Compound losses: `lambda_*` are the
 * `lambda*` options, `gamma`/`alpha` are `focalGamma`/`focalAlpha` (sigmoid focal).
 *
 * Refused with `E_OPTION` (message naming the setting): `other_act`; `softmax` with `C == 1` (MONAI
 * silently skips it and computes on raw values); `GeneralizedDiceLoss(soft_label=True)`;
 * `MaskedDiceLoss` with an activation (MONAI multiplies the logits by the mask) or with `to_onehot_y` and
 * the background kept (masked voxels become background labels); and the compound-loss settings listed on
 * `DiceCELoss` / `DiceFocalLoss` in docs/porting.
 *
 * Values that depend on data are not checked here: MaskedDiceLoss equals dicekit's `mask` only for binary
 * masks; DiceCELoss's dense-target CE and DiceFocalLoss's sigmoid focal term equal dicekit's for targets
 * that sum to 1 per voxel (CE) or are hard (focal); MONAI's all-absent GeneralizedDiceLoss differs.
 *
 * @returns `{ loss, options }` for `computeLoss` (MaskedDiceLoss: add the mask as `options.mask`).
 * @throws DiceKitError `E_OPTION` for an unknown or inexpressible setting.
 */
export function fromMonai<K extends MonaiLossClass>(
  lossClass: K,
  options: MonaiOptionsByClass[K] = {} as MonaiOptionsByClass[K],
  settings: MonaiSettings = {},
): PresetResult {
  const peer = `MONAI ${lossClass}`;
  const known = KNOWN[lossClass];
  if (known === undefined) refusePeerSetting('MONAI', `loss class '${String(lossClass)}'`, `fromMonai supports ${Object.keys(KNOWN).join(', ')}`);
  const raw = options as Record<string, unknown>;
  checkPeerOptionNames(peer, raw, known);
  const channels = channelCount(peer, settings.channels);

  if (raw.other_act !== undefined && raw.other_act !== null) {
    refusePeerSetting(peer, 'other_act', 'an arbitrary callable activation; use sigmoid=True or softmax=True');
  }
  const sigmoid = peerBoolean(peer, raw, 'sigmoid', false);
  const softmax = peerBoolean(peer, raw, 'softmax', false);
  if (sigmoid && softmax) refusePeerSetting(peer, 'sigmoid=True with softmax=True', 'MONAI itself rejects this combination');
  if (softmax && channels === 1) {
    refusePeerSetting(peer, 'softmax=True with a single channel', 'MONAI skips the softmax with a warning and computes on the raw input; dicekit refuses a one-channel softmax');
  }
  const toOneHot = peerBoolean(peer, raw, 'to_onehot_y', false);
  const includeBackground = peerBoolean(peer, raw, 'include_background', true);
  const softLabel = peerBoolean(peer, raw, 'soft_label', false);
  const reduction = monaiReduction(peer, raw.reduction);

  const result: LossOptions = {
    activation: sigmoid ? 'sigmoid' : softmax ? 'softmax' : 'none',
    targetFormat: toOneHot ? 'labels' : 'dense',
    smoothNumerator: peerNumber(peer, raw, 'smooth_nr', 1e-5),
    smoothDenominator: peerNumber(peer, raw, 'smooth_dr', 1e-5),
  };
  // MONAI ignores include_background=False on one channel; keeping the background is what it computes.
  if (!includeBackground && channels !== 1) result.includeBackground = false;
  if (peerBoolean(peer, raw, 'batch', false)) result.batchDice = true;
  if (reduction !== 'mean') result.reduction = reduction;

  if (lossClass === 'GeneralizedDiceLoss') {
    if (softLabel) {
      refusePeerSetting(peer, 'soft_label=True', "dicekit's generalizedDice has no softLabel option (SPEC.md section 4)");
    }
    const weightType = raw.w_type ?? 'square';
    if (weightType !== 'square' && weightType !== 'simple' && weightType !== 'uniform') {
      refusePeerSetting(peer, `w_type=${JSON.stringify(weightType)}`, "only 'square', 'simple' and 'uniform' exist");
    }
    if (weightType !== 'square') result.weightType = weightType;
    return { loss: 'generalizedDice', options: result };
  }
  if (lossClass === 'TverskyLoss') {
    if (softLabel) result.softLabel = true;
    result.alpha = peerNumber(peer, raw, 'alpha', 0.5);
    result.beta = peerNumber(peer, raw, 'beta', 0.5);
    return { loss: 'tversky', options: result };
  }

  // DiceLoss and the classes built on it.
  const squared = peerBoolean(peer, raw, 'squared_pred', false);
  const jaccard = peerBoolean(peer, raw, 'jaccard', false);
  if (squared) result.squared = true;
  // With squared_pred MONAI's norm form gives tp = Σ p t whatever soft_label says (dicekit: squared alone).
  else if (softLabel) result.softLabel = true;
  const hasWeight = raw.weight !== undefined && raw.weight !== null;

  if (lossClass === 'MaskedDiceLoss') {
    if (sigmoid || softmax) {
      refusePeerSetting(peer, sigmoid ? 'sigmoid=True' : 'softmax=True', 'MaskedDiceLoss multiplies the raw input by the mask before the activation, so masked voxels count as sigmoid(0) or softmax(0) predictions; dicekit masks the probabilities');
    }
    if (toOneHot && includeBackground && channels !== 1) {
      refusePeerSetting(peer, 'to_onehot_y=True with include_background=True', 'MaskedDiceLoss multiplies the label map by the mask, so masked voxels become background labels and count in the background Dice; pass include_background=False or a one-hot target');
    }
  }
  if (lossClass === 'DiceLoss' || lossClass === 'MaskedDiceLoss') {
    const weights = monaiClassWeights(peer, raw.weight, channels, includeBackground);
    if (weights !== undefined) result.classWeights = weights;
    if (jaccard) {
      // MONAI: 1 - (2I + nr) / (2(P + T - I) + dr) = 1 - (I + nr/2) / (P + T - I + dr/2).
      result.smoothNumerator = (result.smoothNumerator as number) / 2;
      result.smoothDenominator = (result.smoothDenominator as number) / 2;
      return { loss: 'jaccard', options: result };
    }
    return { loss: 'dice', options: result };
  }

  // Compound losses: the Dice term is DiceLoss above; the second term must match dicekit's.
  if (jaccard) refusePeerSetting(peer, 'jaccard=True', "dicekit's compound losses combine the Dice term only, not Jaccard");
  if (reduction === 'none') refusePeerSetting(peer, "reduction='none'", 'dicekit compound losses return a scalar (SPEC.md section 4)');
  if (!sigmoid && !softmax) {
    refusePeerSetting(peer, 'sigmoid=False with softmax=False', 'MONAI computes the Dice term on the raw input but the CE/focal term on logits; dicekit needs one activation for both');
  }
  const lambdaDice = peerNumber(peer, raw, 'lambda_dice', 1);
  if (lambdaDice !== 1) result.lambdaDice = lambdaDice;

  if (lossClass === 'DiceCELoss') {
    if (peerNumber(peer, raw, 'label_smoothing', 0) !== 0) {
      refusePeerSetting(peer, 'label_smoothing', 'dicekit cross-entropy has no label smoothing');
    }
    if (sigmoid && channels === undefined) {
      refusePeerSetting(peer, 'sigmoid=True without settings.channels', 'MONAI uses BCE only when C == 1 and a softmax cross-entropy otherwise; pass { channels } so the translation is exact');
    }
    if (sigmoid && channels !== 1) {
      refusePeerSetting(peer, 'sigmoid=True with more than one channel', "MONAI's CE term is then a softmax cross-entropy on the logits while its Dice term uses sigmoid; dicekit's sigmoid diceCE uses a per-channel binary CE");
    }
    if (hasWeight) {
      if (sigmoid) refusePeerSetting(peer, 'weight with sigmoid=True', 'MONAI passes it to BCEWithLogitsLoss as pos_weight, which dicekit has no counterpart for');
      if (!toOneHot) refusePeerSetting(peer, 'weight with a dense target (to_onehot_y=False)', "torch's weighted CE with probability targets divides by the voxel count, dicekit by the sum of voxel weights");
      // DiceCELoss's weight is torch's CE weight: one entry per channel, background included; MONAI
      // hands weight[1:] to the Dice term without the background, which is dicekit's classWeights rule.
      const weights = nonNegative(peer, peerNumberList(peer, 'weight', raw.weight));
      if (channels !== undefined && weights.length !== channels) {
        refusePeerSetting(peer, `weight with ${weights.length} entries`, `torch's CrossEntropyLoss needs one per channel (${channels}), background included`);
      }
      result.classWeights = weights;
    }
    const lambdaCE = peerNumber(peer, raw, 'lambda_ce', 1);
    if (lambdaCE !== 1) result.lambdaCE = lambdaCE;
    return { loss: 'diceCE', options: result };
  }

  // DiceFocalLoss.
  if (softmax) {
    refusePeerSetting(peer, 'softmax=True', "MONAI 1.5's DiceFocalLoss applies the softmax to its Dice term only and computes a SIGMOID focal loss on the logits (Project-MONAI/MONAI#8242); dicekit uses one activation for both terms");
  }
  if (hasWeight && channels !== 1) {
    refusePeerSetting(peer, 'weight', "MONAI's focal term multiplies each element by its class weight and divides by the element count; dicekit divides by the total weight");
  }
  if (!includeBackground && channels !== 1) {
    refusePeerSetting(peer, 'include_background=False', "MONAI's focal term also drops channel 0; dicekit's focal term always uses every channel");
  }
  if (reduction === 'sum') {
    refusePeerSetting(peer, "reduction='sum'", "MONAI's FocalLoss averages over the spatial axes before summing, which depends on the voxel count");
  }
  result.focalGamma = peerNumber(peer, raw, 'gamma', 2);
  const lambdaFocal = peerNumber(peer, raw, 'lambda_focal', 1);
  if (lambdaFocal !== 1) result.lambdaFocal = lambdaFocal;
  if (raw.alpha !== undefined && raw.alpha !== null) result.focalAlpha = peerNumber(peer, raw, 'alpha', 0);
  return { loss: 'diceFocal', options: result };
}

function monaiReduction(peer: string, value: unknown): Reduction {
  if (value === undefined) return 'mean';
  if (value === 'mean' || value === 'sum' || value === 'none') return value;
  return refusePeerSetting(peer, `reduction=${JSON.stringify(value)}`, "only 'mean', 'sum' and 'none' exist");
}

/**
 * MONAI's `weight` applies to the channels left after `include_background`, and is ignored when only one
 * is left. dicekit's `classWeights` has one entry per input channel, the dropped background's ignored.
 */
function monaiClassWeights(
  peer: string,
  weight: unknown,
  channels: number | undefined,
  includeBackground: boolean,
): number[] | undefined {
  if (weight === undefined || weight === null) return undefined;
  const kept = channels === undefined ? undefined : includeBackground || channels === 1 ? channels : channels - 1;
  if (kept === 1) return undefined;
  if (typeof weight === 'number') {
    nonNegative(peer, [weight]);
    if (channels === undefined) {
      refusePeerSetting(peer, 'a scalar weight without settings.channels', 'dicekit needs one weight per channel; pass { channels } or a list');
    }
    return Array.from({ length: channels }, () => weight);
  }
  const list = nonNegative(peer, peerNumberList(peer, 'weight', weight));
  if (kept !== undefined && list.length !== kept) {
    refusePeerSetting(peer, `weight with ${list.length} entries`, `MONAI needs one per channel left after include_background (${kept})`);
  }
  // A one-entry list means one channel is left, where MONAI ignores the weight.
  if (list.length === 1) return undefined;
  return includeBackground ? [...list] : [1, ...list];
}

/** MONAI raises on a negative weight; say so in MONAI's terms rather than dicekit's. */
function nonNegative(peer: string, weights: number[]): number[] {
  weights.forEach((weight, index) => {
    if (weight < 0) throw new DiceKitError('E_OPTION', `${peer}: weight[${index}] is ${weight}; MONAI and dicekit need weights >= 0`);
  });
  return weights;
}
