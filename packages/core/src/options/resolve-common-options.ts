import { DiceKitError } from '../errors/dicekit-error.js';
import type { TensorLike } from '../tensor/tensor.js';
import type { ResolvedCommonOptions } from './option-types.js';
import { optionError, readBoolean, readChoice, readNumber, readNumberArray } from './option-validators.js';

/** Validates that `options` is a plain object and returns its own entries. */
export function optionEntries(options: unknown): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new DiceKitError('E_OPTION', `options must be an object, got ${options === null ? 'null' : typeof options}`);
  }
  const entries = options as Record<string, unknown>;
  for (const [name, value] of Object.entries(entries)) {
    if (value === null) throw optionError(name, value, 'a value (omit an option to take its default)');
  }
  return entries;
}

/** Resolves the options shared by losses and metrics (SPEC.md sections 1, 2 and 5). */
export function resolveCommonOptions(entries: Record<string, unknown>): ResolvedCommonOptions & { mask: TensorLike | null } {
  const targetFormat = readChoice('targetFormat', entries.targetFormat, ['dense', 'labels'] as const, 'dense');
  const ignoreIndex =
    entries.ignoreIndex === undefined ? null : readNumber('ignoreIndex', entries.ignoreIndex, { integer: true }, 0);
  if (ignoreIndex !== null && targetFormat !== 'labels') {
    throw new DiceKitError(
      'E_OPTION',
      `option 'ignoreIndex' (${ignoreIndex}) needs targetFormat 'labels'; a dense target has no labels to ignore (use 'mask')`,
    );
  }
  const classes = readNumberArray('classes', entries.classes, { integer: true, min: 0 });
  if (classes !== null) {
    for (let index = 1; index < classes.length; index++) {
      if ((classes[index] as number) <= (classes[index - 1] as number)) {
        throw optionError('classes', classes, 'strictly ascending channel indices');
      }
    }
  }
  const mask = entries.mask;
  if (mask !== undefined && !isTensorLike(mask)) {
    throw optionError('mask', mask, 'a tensor { shape, data }');
  }
  return {
    activation: readChoice('activation', entries.activation, ['none', 'sigmoid', 'softmax'] as const, 'none'),
    layout: readChoice('layout', entries.layout, ['channels-first', 'channels-last'] as const, 'channels-first'),
    targetFormat,
    ignoreIndex,
    includeBackground: readBoolean('includeBackground', entries.includeBackground, true),
    classes,
    batchDice: readBoolean('batchDice', entries.batchDice, false),
    mask: (mask as TensorLike | undefined) ?? null,
  };
}

/** Whether `value` looks like a tensor: a `shape` array and array or typed-array `data`. */
export function isTensorLike(value: unknown): value is TensorLike {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as { shape?: unknown; data?: unknown };
  return (
    Array.isArray(candidate.shape) &&
    (Array.isArray(candidate.data) || ArrayBuffer.isView(candidate.data))
  );
}
