import { DiceKitError } from '../errors/dicekit-error.js';
import type { ResolvedCommonOptions } from '../options/option-types.js';
import { formatShape, isIntegerTypedArray, type TensorLike } from '../tensor/tensor.js';
import {
  checkDataLength,
  checkTargetShape,
  checkVoxelShape,
  geometryOf,
  selectClasses,
  type Geometry,
} from './geometry.js';

/** Shapes checked against each other, the geometry, and the channels that enter the Dice terms. */
export interface ProblemLayout {
  readonly geometry: Geometry;
  /** Channel indices of the Dice terms, ascending (`C'` of them). */
  readonly classes: readonly number[];
}

function checkTensor(name: string, tensor: unknown): TensorLike {
  if (tensor === null || typeof tensor !== 'object') throw new DiceKitError('E_SHAPE', `${name} must be a tensor { shape, data }`);
  const candidate = tensor as { shape?: unknown; data?: unknown };
  if (!Array.isArray(candidate.shape)) throw new DiceKitError('E_SHAPE', `${name} has no shape array`);
  if (!Array.isArray(candidate.data) && !ArrayBuffer.isView(candidate.data)) {
    throw new DiceKitError('E_DTYPE', `${name} data must be an array or a typed array`);
  }
  return candidate as TensorLike;
}

/**
 * Checks the shapes (E_SHAPE), the array types (E_DTYPE) and the options that need `C` (E_OPTION),
 * and returns the geometry and the selected classes. Data values are checked by `validateData`.
 */
export function planProblem(
  options: ResolvedCommonOptions,
  inputTensor: unknown,
  targetTensor: unknown,
  maskTensor: unknown,
): ProblemLayout {
  const input = checkTensor('input', inputTensor);
  const target = checkTensor('target', targetTensor);
  const geometry = geometryOf(input.shape, options.layout);
  checkDataLength('input', input.shape, input.data.length);
  checkTargetShape(target.shape, input.shape, geometry, options.targetFormat);
  checkDataLength('target', target.shape, target.data.length);
  if (maskTensor !== null && maskTensor !== undefined) {
    const mask = checkTensor('mask', maskTensor);
    checkVoxelShape('mask', mask.shape, input.shape, geometry);
    checkDataLength('mask', mask.shape, mask.data.length);
    if (mask.data instanceof BigInt64Array) throw new DiceKitError('E_DTYPE', 'mask must hold numbers, not BigInt64Array');
  }
  if (input.data instanceof BigInt64Array) {
    throw new DiceKitError('E_DTYPE', `input ${formatShape(input.shape)} is a BigInt64Array; predictions must be floating-point numbers`);
  }
  if (options.targetFormat === 'labels') {
    const data = target.data;
    if (!isIntegerTypedArray(data) && !Array.isArray(data)) {
      throw new DiceKitError(
        'E_DTYPE',
        `label-map target is a ${data.constructor.name}; targetFormat 'labels' needs integers (Uint8Array, Uint16Array, Int32Array, BigInt64Array or a number array)`,
      );
    }
  } else if (target.data instanceof BigInt64Array) {
    throw new DiceKitError('E_DTYPE', "dense target is a BigInt64Array; use targetFormat 'labels' for integer label maps");
  }
  const classes = selectClasses(options, geometry.channels);
  return { geometry, classes };
}
