import { DiceKitError } from '../errors/dicekit-error.js';
import type { LossName, LossOptions } from '../options/option-types.js';

/**
 * What every preset returns: the dicekit loss and the SPEC.md options that compute exactly what the
 * peer computes. Pass them on unchanged: `computeLoss(result.loss, input, target, result.options)`
 * (add `mask` yourself where the peer takes a mask at call time).
 */
export interface PresetResult {
  /** The dicekit loss name (SPEC.md section 4). */
  readonly loss: LossName;
  /** SPEC.md option names and values; omitted options take their SPEC.md defaults. */
  readonly options: LossOptions;
}

/**
 * Throws the `E_OPTION` error of a peer setting that dicekit cannot express exactly. The message names
 * the peer, the setting and the reason, so that nothing is ever approximated silently.
 */
export function refusePeerSetting(peer: string, setting: string, reason: string): never {
  throw new DiceKitError('E_OPTION', `${peer}: ${setting} cannot be expressed in dicekit: ${reason}`);
}

/** Throws `E_OPTION` for an option name the peer class does not take. */
export function checkPeerOptionNames(peer: string, options: object, known: readonly string[]): void {
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) {
      throw new DiceKitError('E_OPTION', `${peer}: unknown option '${name}' (known: ${known.join(', ')})`);
    }
  }
}

/** Reads a boolean peer option, `fallback` when absent; `E_OPTION` on another type. */
export function peerBoolean(peer: string, options: Record<string, unknown>, name: string, fallback: boolean): boolean {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new DiceKitError('E_OPTION', `${peer}: option '${name}' must be a boolean, got ${JSON.stringify(value)}`);
  return value;
}

/** Reads a finite number peer option, `fallback` when absent; `E_OPTION` on another type. */
export function peerNumber(peer: string, options: Record<string, unknown>, name: string, fallback: number): number {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new DiceKitError('E_OPTION', `${peer}: option '${name}' must be a finite number, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Reads an optional channel count (`C` of the input), `E_OPTION` unless a positive integer. */
export function channelCount(peer: string, channels: number | undefined): number | undefined {
  if (channels === undefined) return undefined;
  if (!Number.isInteger(channels) || channels < 1) {
    throw new DiceKitError('E_OPTION', `${peer}: channels must be a positive integer, got ${String(channels)}`);
  }
  return channels;
}

/** A list of finite numbers (a class-weight list, say), `E_OPTION` otherwise. */
export function peerNumberList(peer: string, name: string, value: unknown): number[] {
  if (!Array.isArray(value) || value.some((entry) => typeof entry !== 'number' || !Number.isFinite(entry))) {
    throw new DiceKitError('E_OPTION', `${peer}: option '${name}' must be a list of finite numbers, got ${JSON.stringify(value)}`);
  }
  return value as number[];
}
