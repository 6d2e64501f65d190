import { DiceKitError } from '../errors/dicekit-error.js';
import type { Activation, LossOptions, TargetFormat } from '../options/option-types.js';
import {
  channelCount,
  checkPeerOptionNames,
  peerBoolean,
  peerNumber,
  refusePeerSetting,
  type PresetResult,
} from './peer-options.js';

/** The nnU-Net v2 loss classes `fromNnunet` translates (`nnunetv2.training.loss`). */
export type NnunetLossClass = 'SoftDiceLoss' | 'MemoryEfficientSoftDiceLoss' | 'DC_and_CE_loss' | 'DC_and_BCE_loss';

/** Options of nnU-Net's Dice classes as `soft_dice_kwargs` (nnU-Net's names and class defaults). */
export interface NnunetSoftDiceKwargs {
  /** Pool the statistics over the batch (default `False`). */
  batch_dice?: boolean;
  /** Keep the background channel (default `True`). */
  do_bg?: boolean;
  /** Added to numerator and denominator (class default 1.0; the trainer uses 1e-5). */
  smooth?: number;
  /** All-gather the statistics across processes when `batch_dice` (class default `True`). */
  ddp?: boolean;
  /** `SoftDiceLoss` only: clip `tp` from below (default none); not expressible. */
  clip_tp?: number | null;
}

/** `SoftDiceLoss` / `MemoryEfficientSoftDiceLoss` options. */
export interface NnunetDiceOptions extends NnunetSoftDiceKwargs {
  /**
   * The nonlinearity, by name: `null` (probabilities, the default), `'softmax_helper_dim1'` (or its full
   * path `nnunetv2.utilities.helpers.softmax_helper_dim1`) or `'torch.sigmoid'`.
   */
  apply_nonlin?: string | null;
}

/** `DC_and_CE_loss` options. */
export interface NnunetDiceCEOptions {
  /** Options of the Dice term. */
  soft_dice_kwargs?: NnunetSoftDiceKwargs;
  /** Options of `RobustCrossEntropyLoss`; only `{}` is expressible. */
  ce_kwargs?: Record<string, never>;
  /** Weight of the CE term (default 1). */
  weight_ce?: number;
  /** Weight of the Dice term (default 1). */
  weight_dice?: number;
  /** Label of ignored voxels (default none): dicekit `ignoreIndex`. */
  ignore_label?: number | null;
  /** `'SoftDiceLoss'` (default) or `'MemoryEfficientSoftDiceLoss'` (what nnUNetTrainer passes); full `nnunetv2.training.loss.dice.` paths accepted. */
  dice_class?: string;
}

/** `DC_and_BCE_loss` options (nnU-Net's region training). */
export interface NnunetDiceBCEOptions {
  /** Options of `BCEWithLogitsLoss`; only `{}` is expressible. */
  bce_kwargs?: Record<string, never>;
  /** Options of the Dice term. */
  soft_dice_kwargs?: NnunetSoftDiceKwargs;
  /** Weight of the BCE term (default 1). */
  weight_ce?: number;
  /** Weight of the Dice term (default 1). */
  weight_dice?: number;
  /** The target's last channel marks ignored voxels (default `False`): pass `mask = 1 - that channel`. */
  use_ignore_label?: boolean;
  /** `'MemoryEfficientSoftDiceLoss'` (default) or `'SoftDiceLoss'`. */
  dice_class?: string;
}

/** The options type of each nnU-Net class. */
export interface NnunetOptionsByClass {
  SoftDiceLoss: NnunetDiceOptions;
  MemoryEfficientSoftDiceLoss: NnunetDiceOptions;
  DC_and_CE_loss: NnunetDiceCEOptions;
  DC_and_BCE_loss: NnunetDiceBCEOptions;
}

/** What nnU-Net learns from the data. */
export interface NnunetSettings {
  /**
   * The Dice classes use the target as it is when its shape equals the input's (`'dense'`), and one-hot
   * encode it otherwise (`'labels'`, the default). `DC_and_CE_loss` always takes label maps and
   * `DC_and_BCE_loss` dense region targets, whatever this says.
   */
  targetFormat?: TargetFormat;
  /** `C` of the input; required by `DC_and_BCE_loss(use_ignore_label=True)`. */
  channels?: number;
}

const KWARGS = ['batch_dice', 'do_bg', 'smooth', 'ddp', 'clip_tp'] as const;
const DICE_CLASSES = ['SoftDiceLoss', 'MemoryEfficientSoftDiceLoss'];
// nnU-Net clips the Dice denominator at 1e-8: torch.clip(denominator + smooth, 1e-8).
const DENOMINATOR_FLOOR = 1e-8;

/**
 * Translates an nnU-Net v2 loss into dicekit.
 *
 * nnU-Net returns the NEGATIVE mean Dice, `-mean(dc)` (plus `weight_ce·CE` in the compound losses);
 * dicekit returns `mean(1 - dc)`, so dicekit's value = nnU-Net's + `weight_dice` (+ 1 for the Dice
 * classes). The gradients are identical. `smooth` is `smoothNumerator = smoothDenominator`, the clip of
 * the denominator at 1e-8 is `eps: 1e-8`; `do_bg`, `batch_dice`, `ignore_label` are `includeBackground`,
 * `batchDice`, `ignoreIndex`; `loss_mask` is dicekit's `mask` (pass it at call time). `DC_and_CE_loss`
 * is softmax `diceCE` on a label map with `lambdaDice = weight_dice`, `lambdaCE = weight_ce`;
 * `DC_and_BCE_loss` is sigmoid `diceCE` on dense regions, and with `use_ignore_label` it divides the
 * masked BCE sum by the number of valid VOXELS, not elements, so `lambdaCE = C·weight_ce`.
 *
 * Refused with `E_OPTION`: a softmax or `do_bg=False` on one channel (with `settings.channels: 1`); `clip_tp`; `ddp=True` with `batch_dice=True` (statistics gathered across
 * processes: sum them yourself, dicekit's statistics are additive); an `apply_nonlin` other than softmax
 * / sigmoid / none; non-empty `ce_kwargs` / `bce_kwargs`; an unknown `dice_class`.
 *
 * @throws DiceKitError `E_OPTION` for an unknown or inexpressible setting.
 */
export function fromNnunet<K extends NnunetLossClass>(
  lossClass: K,
  options: NnunetOptionsByClass[K] = {} as NnunetOptionsByClass[K],
  settings: NnunetSettings = {},
): PresetResult {
  const peer = `nnU-Net ${lossClass}`;
  const raw = options as Record<string, unknown>;
  const channels = channelCount(peer, settings.channels);

  if (lossClass === 'SoftDiceLoss' || lossClass === 'MemoryEfficientSoftDiceLoss') {
    const known = lossClass === 'SoftDiceLoss' ? ['apply_nonlin', ...KWARGS] : ['apply_nonlin', ...KWARGS.filter((name) => name !== 'clip_tp')];
    checkPeerOptionNames(peer, raw, known);
    const targetFormat = settings.targetFormat ?? 'labels';
    if (targetFormat !== 'labels' && targetFormat !== 'dense') {
      throw new DiceKitError('E_OPTION', `${peer}: settings.targetFormat must be 'labels' or 'dense', got ${JSON.stringify(targetFormat)}`);
    }
    const result = diceTerm(peer, raw, nonlinearity(peer, raw.apply_nonlin), targetFormat, channels);
    return { loss: 'dice', options: result };
  }
  if (lossClass !== 'DC_and_CE_loss' && lossClass !== 'DC_and_BCE_loss') {
    refusePeerSetting('nnU-Net', `loss class '${String(lossClass)}'`, 'fromNnunet supports SoftDiceLoss, MemoryEfficientSoftDiceLoss, DC_and_CE_loss and DC_and_BCE_loss');
  }
  const crossEntropy = lossClass === 'DC_and_CE_loss';
  const kwargsName = crossEntropy ? 'ce_kwargs' : 'bce_kwargs';
  checkPeerOptionNames(peer, raw, [
    'soft_dice_kwargs',
    kwargsName,
    'weight_ce',
    'weight_dice',
    crossEntropy ? 'ignore_label' : 'use_ignore_label',
    'dice_class',
  ]);
  const termKwargs = raw[kwargsName] ?? {};
  if (typeof termKwargs !== 'object' || termKwargs === null) throw new DiceKitError('E_OPTION', `${peer}: ${kwargsName} must be a dict`);
  for (const name of Object.keys(termKwargs)) {
    refusePeerSetting(peer, `${kwargsName}.${name}`, crossEntropy ? "dicekit's CE term takes no options of its own (class weights would also weight the Dice term)" : "dicekit's BCE term takes no options of its own (no pos_weight)");
  }
  const diceClass = dicePeerClass(peer, raw.dice_class, crossEntropy ? 'SoftDiceLoss' : 'MemoryEfficientSoftDiceLoss');
  const kwargs = raw.soft_dice_kwargs ?? {};
  if (typeof kwargs !== 'object' || kwargs === null) throw new DiceKitError('E_OPTION', `${peer}: soft_dice_kwargs must be a dict`);
  const diceKwargs = kwargs as Record<string, unknown>;
  checkPeerOptionNames(`${peer} soft_dice_kwargs`, diceKwargs, diceClass === 'SoftDiceLoss' ? KWARGS : KWARGS.filter((name) => name !== 'clip_tp'));

  const result = diceTerm(peer, diceKwargs, crossEntropy ? 'softmax' : 'sigmoid', crossEntropy ? 'labels' : 'dense', channels);
  const weightDice = peerNumber(peer, raw, 'weight_dice', 1);
  const weightCE = peerNumber(peer, raw, 'weight_ce', 1);
  result.lambdaDice = weightDice;
  if (crossEntropy) {
    const ignoreLabel = raw.ignore_label === undefined || raw.ignore_label === null ? undefined : peerNumber(peer, raw, 'ignore_label', 0);
    if (ignoreLabel !== undefined) result.ignoreIndex = ignoreLabel;
    result.lambdaCE = weightCE;
  } else if (peerBoolean(peer, raw, 'use_ignore_label', false)) {
    if (channels === undefined) {
      refusePeerSetting(peer, 'use_ignore_label=True without settings.channels', 'nnU-Net divides the masked BCE sum by the valid voxel count, so lambdaCE = C·weight_ce; pass { channels } (the region channels, without the ignore channel)');
    }
    result.lambdaCE = channels * weightCE;
  } else {
    result.lambdaCE = weightCE;
  }
  return { loss: 'diceCE', options: result };
}

function diceTerm(
  peer: string,
  raw: Record<string, unknown>,
  activation: Activation,
  targetFormat: TargetFormat,
  channels: number | undefined,
): LossOptions {
  if (activation === 'softmax' && channels === 1) {
    refusePeerSetting(peer, 'a softmax over one channel', 'it makes every probability 1; dicekit refuses a one-channel softmax');
  }
  if (raw.clip_tp !== undefined && raw.clip_tp !== null) {
    refusePeerSetting(peer, 'clip_tp', 'dicekit has no floor on the intersection');
  }
  const batchDice = peerBoolean(peer, raw, 'batch_dice', false);
  if (batchDice && peerBoolean(peer, raw, 'ddp', true)) {
    refusePeerSetting(peer, 'ddp=True with batch_dice=True', 'nnU-Net then all-gathers the statistics of every process; dicekit computes on the batch it is given (its statistics are additive: sum them across workers, then use ddp=False here)');
  }
  const smooth = peerNumber(peer, raw, 'smooth', 1);
  const result: LossOptions = {
    activation,
    targetFormat,
    smoothNumerator: smooth,
    smoothDenominator: smooth,
    eps: DENOMINATOR_FLOOR,
    reduction: 'mean',
  };
  if (!peerBoolean(peer, raw, 'do_bg', true)) {
    if (channels === 1) refusePeerSetting(peer, 'do_bg=False with one channel', 'nnU-Net then averages an empty list (NaN); dicekit refuses dropping the only channel');
    result.includeBackground = false;
  }
  if (batchDice) result.batchDice = true;
  return result;
}

function nonlinearity(peer: string, value: unknown): Activation {
  if (value === undefined || value === null) return 'none';
  if (value === 'softmax_helper_dim1' || value === 'nnunetv2.utilities.helpers.softmax_helper_dim1') return 'softmax';
  if (value === 'torch.sigmoid' || value === 'sigmoid') return 'sigmoid';
  return refusePeerSetting(peer, `apply_nonlin=${JSON.stringify(value)}`, "only None, softmax_helper_dim1 and torch.sigmoid have dicekit counterparts");
}

function dicePeerClass(peer: string, value: unknown, fallback: string): string {
  if (value === undefined || value === null) return fallback;
  const name = typeof value === 'string' ? value.replace(/^nnunetv2\.training\.loss\.dice\./, '') : '';
  if (!DICE_CLASSES.includes(name)) refusePeerSetting(peer, `dice_class=${JSON.stringify(value)}`, 'only SoftDiceLoss and MemoryEfficientSoftDiceLoss are translated');
  return name;
}
