import { coordinatesOf, DiceKitError, formatShape } from '@dicekit/core';

/**
 * The label map of a `float32` tf tensor as integers core and @dicekit/typed-arrays accept: an
 * Int32Array, or (only when some integer lies outside the int32 range) a number array, so that the
 * kernel's validation reports it with core's exact E_LABEL message.
 *
 * @throws DiceKitError E_DTYPE for a non-integer value (NaN included) that is not `ignoreIndex`,
 *   with core's message and position.
 */
export function labelMapData(values: Float32Array, shape: readonly number[], ignoreIndex: number | null): Int32Array | number[] {
  const labels = new Int32Array(values.length);
  let outOfRange = false;
  for (let index = 0; index < values.length; index++) {
    const value = values[index] as number;
    // `value | 0` round-trips exactly the integers of the int32 range.
    const integer = value | 0;
    if (integer === value) {
      labels[index] = integer;
      continue;
    }
    if (value === ignoreIndex) {
      outOfRange = true;
      continue;
    }
    if (!Number.isInteger(value)) {
      throw new DiceKitError('E_DTYPE', `label-map target holds the non-integer ${value} at index ${index} (coordinates ${formatShape(coordinatesOf(index, shape))})`);
    }
    outOfRange = true;
  }
  return outOfRange ? Array.from(values) : labels;
}
