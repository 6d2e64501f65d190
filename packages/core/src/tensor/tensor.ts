/** Any array dicekit reads numbers from. Labels may also be `BigInt64Array` (int64 model outputs). */
export type NumericData =
  | readonly number[]
  | Float64Array
  | Float32Array
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array;

/** A row-major tensor on the host: a shape and its flat data. */
export interface TensorLike {
  readonly shape: readonly number[];
  readonly data: NumericData;
}

/** A float64 result tensor. */
export interface Tensor64 {
  readonly shape: number[];
  readonly data: Float64Array;
}

/** Number of elements of a shape (1 for a scalar `[]`). */
export function shapeSize(shape: readonly number[]): number {
  let size = 1;
  for (const extent of shape) size *= extent;
  return size;
}

/** `[2, 3, 4]` as text, for error messages. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Whether `data` holds integers by its type (integer typed arrays and BigInt64Array). */
export function isIntegerTypedArray(data: NumericData): boolean {
  return (
    data instanceof Int8Array ||
    data instanceof Uint8Array ||
    data instanceof Uint8ClampedArray ||
    data instanceof Int16Array ||
    data instanceof Uint16Array ||
    data instanceof Int32Array ||
    data instanceof Uint32Array ||
    data instanceof BigInt64Array
  );
}

/** A reader that returns element `index` of `data` as a number (BigInt64Array included). */
export function numberReader(data: NumericData): (index: number) => number {
  if (data instanceof BigInt64Array) return (index) => Number(data[index]);
  const numbers = data as ArrayLike<number>;
  return (index) => numbers[index] as number;
}

/** Row-major coordinates of a flat index, for error messages. */
export function coordinatesOf(index: number, shape: readonly number[]): number[] {
  const coordinates = new Array<number>(shape.length).fill(0);
  let rest = index;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const extent = shape[axis] as number;
    coordinates[axis] = rest % extent;
    rest = Math.floor(rest / extent);
  }
  return coordinates;
}
