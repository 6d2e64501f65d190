import { DiceKitError } from '../errors/dicekit-error.js';
import type { LossOptions, Reduction } from '../options/option-types.js';
import { channelCount, checkPeerOptionNames, peerNumber, refusePeerSetting, type PresetResult } from './peer-options.js';

/** The Keras 3 loss classes `fromKeras` translates (`keras.losses`). */
export type KerasLossClass = 'Dice' | 'Tversky';

/** `keras.losses.Dice` options (Keras's names and defaults). */
export interface KerasDiceOptions {
  /** `'sum_over_batch_size'` (default), `'mean'`, `'mean_with_sample_weight'`, `'sum'`, `'none'` or `null`. */
  reduction?: 'sum_over_batch_size' | 'mean' | 'mean_with_sample_weight' | 'sum' | 'none' | null;
  /** Axes summed over (default `null`: every axis, batch and channels included, into one score). */
  axis?: number | readonly number[] | null;
  /** The loss's name (no effect on values). */
  name?: string;
  /** Keras's compute dtype (float32 by default); dicekit always accumulates in float64. */
  dtype?: string | null;
}

/** `keras.losses.Tversky` options. */
export interface KerasTverskyOptions extends KerasDiceOptions {
  /** Weight of false positives (default 0.5), as documented; see `KerasSettings.alphaBetaSwapped`. */
  alpha?: number;
  /** Weight of false negatives (default 0.5). */
  beta?: number;
}

/** The options type of each Keras class. */
export interface KerasOptionsByClass {
  Dice: KerasDiceOptions;
  Tversky: KerasTverskyOptions;
}

/** What Keras learns from the data or its global configuration. */
export interface KerasSettings {
  /** Rank of `y_pred` (`[N, ...spatial, C]`); required when `axis` is given, to place the axes. */
  rank?: number;
  /** `C` (the last axis); lets a channel-pooled `Tversky` be accepted when `C == 1`. */
  channels?: number;
  /** `keras.config.epsilon()`, added to the denominator (default 1e-7). */
  epsilon?: number;
  /**
   * Keras releases before keras-team/keras#23333 applied `alpha` to false negatives and `beta` to false
   * positives, against their documentation. `true` reproduces those releases; the default (`false`) is
   * the corrected, documented behaviour.
   */
  alphaBetaSwapped?: boolean;
}

/**
 * Translates a Keras 3 loss (`keras.losses.Dice(**options)` / `keras.losses.Tversky(**options)`) into
 * dicekit. Keras takes probabilities (`activation: 'none'`), dense channels-last targets
 * (`layout: 'channels-last'`), and smooths ONLY the denominator: `Dice = 1 - 2 Σ y p / (Σ y + Σ p + ε)`,
 * `Tversky = 1 - Σ y p / (Σ y p + α FP + β FN + ε)`, so `smoothNumerator: 0`, `smoothDenominator: ε`.
 *
 * The sums run over `axis`: every spatial axis must be in it (dicekit always reduces them). With the
 * batch axis 0 in it, `batchDice: true`; with the channel axis (last) in it, the classes are pooled too,
 * which for Dice is `generalizedDice` with `weightType: 'uniform'`. `axis: null` (the default) pools
 * everything into one score. Keras's `'sum_over_batch_size'`/`'mean'` average the remaining entries
 * (dicekit `'mean'`), `'sum'` sums them, `None`/`'none'` returns them.
 *
 * Refused with `E_OPTION`: an `axis` leaving a spatial axis out, `axis` without `settings.rank`, and a
 * channel-pooled `Tversky` unless `settings.channels` is 1 (dicekit's tversky is per class).
 * Not translated: Keras's `sample_weight` call argument (pass a dicekit `mask` instead where it is
 * per-voxel); `'mean_with_sample_weight'` without sample weights is a plain mean.
 *
 * @throws DiceKitError `E_OPTION` for an unknown or inexpressible setting.
 */
export function fromKeras<K extends KerasLossClass>(
  lossClass: K,
  options: KerasOptionsByClass[K] = {} as KerasOptionsByClass[K],
  settings: KerasSettings = {},
): PresetResult {
  const peer = `Keras ${lossClass}`;
  if (lossClass !== 'Dice' && lossClass !== 'Tversky') refusePeerSetting('Keras', `loss class '${String(lossClass)}'`, 'fromKeras supports Dice and Tversky');
  const raw = options as Record<string, unknown>;
  checkPeerOptionNames(peer, raw, lossClass === 'Tversky' ? ['reduction', 'axis', 'name', 'dtype', 'alpha', 'beta'] : ['reduction', 'axis', 'name', 'dtype']);
  const channels = channelCount(peer, settings.channels);
  const epsilon = settings.epsilon ?? 1e-7;
  if (!Number.isFinite(epsilon) || epsilon < 0) throw new DiceKitError('E_OPTION', `${peer}: settings.epsilon must be a finite number >= 0`);

  const { batch, channel } = reducedAxes(peer, raw.axis, settings.rank);
  const result: LossOptions = {
    activation: 'none',
    layout: 'channels-last',
    targetFormat: 'dense',
    smoothNumerator: 0,
    smoothDenominator: epsilon,
  };
  if (batch) result.batchDice = true;
  const reduction = kerasReduction(peer, raw.reduction);
  if (reduction !== 'mean') result.reduction = reduction;

  if (lossClass === 'Dice') {
    // Σ_c over the pooled classes with unit weights: generalizedDice 'uniform' (also right for C == 1).
    if (channel) return { loss: 'generalizedDice', options: { ...result, weightType: 'uniform' } };
    return { loss: 'dice', options: result };
  }
  if (channel && channels !== 1) {
    refusePeerSetting(peer, raw.axis === undefined || raw.axis === null ? 'axis=None' : `axis=${JSON.stringify(raw.axis)}`, `it pools the Tversky statistics over the channels; dicekit's tversky is per class, so this is exact only with one channel (${channels === undefined ? 'pass settings.channels' : `C = ${channels}`})`);
  }
  const alpha = peerNumber(peer, raw, 'alpha', 0.5);
  const beta = peerNumber(peer, raw, 'beta', 0.5);
  const swapped = settings.alphaBetaSwapped === true;
  result.alpha = swapped ? beta : alpha;
  result.beta = swapped ? alpha : beta;
  return { loss: 'tversky', options: result };
}

function reducedAxes(peer: string, axis: unknown, rank: number | undefined): { batch: boolean; channel: boolean } {
  if (axis === undefined || axis === null) return { batch: true, channel: true };
  if (rank === undefined) refusePeerSetting(peer, `axis=${JSON.stringify(axis)} without settings.rank`, 'the axes can only be placed knowing the rank of y_pred');
  if (!Number.isInteger(rank) || rank < 3) throw new DiceKitError('E_OPTION', `${peer}: settings.rank must be an integer >= 3 ([N, ...spatial, C]), got ${String(rank)}`);
  const list = typeof axis === 'number' ? [axis] : Array.isArray(axis) ? (axis as unknown[]) : null;
  if (list === null || list.some((entry) => !Number.isInteger(entry))) {
    throw new DiceKitError('E_OPTION', `${peer}: axis must be an integer, a list of integers or None, got ${JSON.stringify(axis)}`);
  }
  const reduced = new Set<number>();
  for (const entry of list as number[]) {
    const normalized = entry < 0 ? entry + rank : entry;
    if (normalized < 0 || normalized >= rank) throw new DiceKitError('E_OPTION', `${peer}: axis ${entry} is out of range for rank ${rank}`);
    reduced.add(normalized);
  }
  for (let spatial = 1; spatial < rank - 1; spatial++) {
    if (!reduced.has(spatial)) {
      refusePeerSetting(peer, `axis=${JSON.stringify(axis)}`, `it leaves spatial axis ${spatial} unreduced; dicekit always sums over every spatial axis`);
    }
  }
  return { batch: reduced.has(0), channel: reduced.has(rank - 1) };
}

function kerasReduction(peer: string, value: unknown): Reduction {
  if (value === undefined || value === 'sum_over_batch_size' || value === 'mean' || value === 'mean_with_sample_weight') return 'mean';
  if (value === 'sum') return 'sum';
  if (value === null || value === 'none') return 'none';
  return refusePeerSetting(peer, `reduction=${JSON.stringify(value)}`, "Keras knows 'sum_over_batch_size', 'mean', 'mean_with_sample_weight', 'sum', 'none' and None");
}
