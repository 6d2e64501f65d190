import { validateData, type Geometry, type NumericData, type ResolvedCommonOptions, type TensorLike } from '@dicekit/core';

/** Whether every value lies in `[low, high]` (NaN fails); a tight loop per array type. */
function allWithin(data: NumericData, low: number, high: number): boolean {
  if (data instanceof Float32Array || data instanceof Float64Array) {
    for (let index = 0; index < data.length; index++) {
      const value = data[index] as number;
      if (!(value >= low && value <= high)) return false;
    }
    return true;
  }
  if (data instanceof BigInt64Array) {
    for (let index = 0; index < data.length; index++) {
      const value = Number(data[index]);
      if (!(value >= low && value <= high)) return false;
    }
    return true;
  }
  const numbers = data as ArrayLike<number>;
  for (let index = 0; index < numbers.length; index++) {
    const value = numbers[index] as number;
    if (!(value >= low && value <= high)) return false;
  }
  return true;
}

/** Whether a label map holds only integers in `[0, upper)` or `ignoreIndex`. */
function labelsValid(data: NumericData, upper: number, ignoreIndex: number | null): boolean {
  const ignored = ignoreIndex ?? Number.NaN;
  if (data instanceof Int32Array || data instanceof Uint8Array || data instanceof Uint16Array) {
    for (let index = 0; index < data.length; index++) {
      const label = data[index] as number;
      if ((label < 0 || label >= upper) && label !== ignored) return false;
    }
    return true;
  }
  if (data instanceof BigInt64Array) {
    const upperBig = BigInt(upper);
    for (let index = 0; index < data.length; index++) {
      const label = data[index] as bigint;
      if ((label < 0n || label >= upperBig) && Number(label) !== ignored) return false;
    }
    return true;
  }
  const numbers = data as ArrayLike<number>;
  for (let index = 0; index < numbers.length; index++) {
    const label = numbers[index] as number;
    if (label === ignored) continue;
    if (!(label >= 0 && label < upper) || !Number.isInteger(label)) return false;
  }
  return true;
}

/**
 * The data checks of SPEC.md section 7 (E_NONFINITE, E_VALUE, E_LABEL) as one tight read of each
 * array; only when something is wrong does core's `validateData` run, to raise its exact error
 * (code, value and coordinates). Same acceptance as core's, at memory speed.
 */
export function checkDataFast(
  options: ResolvedCommonOptions,
  geometry: Geometry,
  input: TensorLike,
  target: TensorLike,
  mask: TensorLike | null,
): void {
  const inputLimit = options.activation === 'none' ? 1 : Number.MAX_VALUE;
  const inputLow = options.activation === 'none' ? 0 : -Number.MAX_VALUE;
  let valid = allWithin(input.data, inputLow, inputLimit);
  if (valid) {
    valid =
      options.targetFormat === 'labels'
        ? labelsValid(target.data, geometry.channels === 1 ? 2 : geometry.channels, options.ignoreIndex)
        : allWithin(target.data, 0, 1);
  }
  if (valid && mask !== null) valid = allWithin(mask.data, 0, Number.MAX_VALUE);
  if (!valid) validateData(options, geometry, input, target, mask);
}
