import { DiceKitError } from '../errors/dicekit-error.js';
import type { ResolvedCommonOptions } from '../options/option-types.js';
import { coordinatesOf, formatShape, numberReader, type TensorLike } from '../tensor/tensor.js';
import type { Geometry } from './geometry.js';

function where(index: number, shape: readonly number[]): string {
  return `at index ${index} (coordinates ${formatShape(coordinatesOf(index, shape))})`;
}

/**
 * The data checks of SPEC.md section 7: non-finite values (E_NONFINITE), probabilities and dense
 * targets outside [0, 1] and negative mask values (E_VALUE), labels outside `[0, C)` that are not
 * `ignoreIndex` (E_LABEL). Reads only; never modifies its inputs.
 */
export function validateData(
  options: ResolvedCommonOptions,
  geometry: Geometry,
  input: TensorLike,
  target: TensorLike,
  mask: TensorLike | null,
): void {
  const readInput = numberReader(input.data);
  const probabilities = options.activation === 'none';
  for (let index = 0; index < input.data.length; index++) {
    const value = readInput(index);
    if (!Number.isFinite(value)) {
      throw new DiceKitError('E_NONFINITE', `input holds ${value} ${where(index, input.shape)}`);
    }
    if (probabilities && (value < 0 || value > 1)) {
      throw new DiceKitError(
        'E_VALUE',
        `input holds ${value} ${where(index, input.shape)} but activation is 'none', so input must be probabilities in [0, 1] (pass activation 'sigmoid' or 'softmax' for logits)`,
      );
    }
  }
  const readTarget = numberReader(target.data);
  if (options.targetFormat === 'labels') {
    const channels = geometry.channels;
    const upper = channels === 1 ? 2 : channels;
    for (let index = 0; index < target.data.length; index++) {
      const label = readTarget(index);
      if (label === options.ignoreIndex) continue;
      if (!Number.isInteger(label)) {
        throw new DiceKitError('E_DTYPE', `label-map target holds the non-integer ${label} ${where(index, target.shape)}`);
      }
      if (label < 0 || label >= upper) {
        throw new DiceKitError(
          'E_LABEL',
          `label ${label} ${where(index, target.shape)} is outside [0, ${upper})${
            channels === 1 ? ' (C = 1: a binary mask of 0 and 1)' : ` for C = ${channels}`
          }${options.ignoreIndex === null ? '' : ` and is not ignoreIndex ${options.ignoreIndex}`}`,
        );
      }
    }
  } else {
    for (let index = 0; index < target.data.length; index++) {
      const value = readTarget(index);
      if (!Number.isFinite(value)) {
        throw new DiceKitError('E_NONFINITE', `target holds ${value} ${where(index, target.shape)}`);
      }
      if (value < 0 || value > 1) {
        throw new DiceKitError('E_VALUE', `dense target holds ${value} ${where(index, target.shape)}; dense targets are in [0, 1]`);
      }
    }
  }
  if (mask !== null) {
    const readMask = numberReader(mask.data);
    for (let index = 0; index < mask.data.length; index++) {
      const value = readMask(index);
      if (!Number.isFinite(value)) throw new DiceKitError('E_NONFINITE', `mask holds ${value} ${where(index, mask.shape)}`);
      if (value < 0) throw new DiceKitError('E_VALUE', `mask holds ${value} ${where(index, mask.shape)}; mask weights are >= 0`);
    }
  }
}
