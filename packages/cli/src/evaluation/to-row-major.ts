import type { LabelArray } from '../readers/element-type.js';

/**
 * Copies column-major data of `shape` into row-major order (same shape): only needed when one file of
 * a pair is stored column-major and the other row-major (an npy against a NIfTI, say).
 */
export function toRowMajor(data: LabelArray, shape: readonly number[]): LabelArray {
  const rank = shape.length;
  const out = new (data.constructor as new (length: number) => LabelArray)(data.length);
  // Column-major strides: the first axis varies fastest.
  const strides: number[] = [];
  let stride = 1;
  for (let axis = 0; axis < rank; axis++) {
    strides.push(stride);
    stride *= shape[axis] as number;
  }
  const coordinate = new Array<number>(rank).fill(0);
  let source = 0;
  for (let index = 0; index < data.length; index++) {
    out[index] = data[source] as number;
    // Advance the row-major coordinate (last axis fastest) and the matching column-major offset.
    for (let axis = rank - 1; axis >= 0; axis--) {
      coordinate[axis] = (coordinate[axis] as number) + 1;
      source += strides[axis] as number;
      if ((coordinate[axis] as number) < (shape[axis] as number)) break;
      source -= (coordinate[axis] as number) * (strides[axis] as number);
      coordinate[axis] = 0;
    }
  }
  return out;
}
