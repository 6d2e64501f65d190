import { DiceKitError, validateData, type Activation, type Geometry, type ResolvedCommonOptions, type TensorLike } from '@dicekit/core';

/** Float arrays the kernels read predictions from and write gradients to. */
export type FloatArray = Float32Array | Float64Array;
/** Label maps the kernels read without conversion (others are converted once, after validation). */
export type LabelArray = Uint8Array | Uint16Array | Int32Array | Float64Array;
/** Dense targets and masks the kernels read without conversion. */
export type WeightArray = Float32Array | Float64Array | Uint8Array;

/**
 * The arrays of one call in the few element types the kernels are written for, with the geometry.
 * Only unusual element types are converted (a copy the size of that tensor): predictions that are not
 * float32/float64, label maps that are not uint8/uint16/int32, masks and dense targets that are not
 * float32/float64/uint8.
 */
export interface KernelData {
  readonly geometry: Geometry;
  readonly activation: Activation;
  readonly input: FloatArray;
  /** Dense targets, in the input's layout (null with label maps). */
  readonly dense: WeightArray | null;
  /** Label map `[N, V]` (null with dense targets). */
  readonly labels: LabelArray | null;
  /** Per-voxel weights `[N, V]`, or null. */
  readonly mask: WeightArray | null;
  /** With label maps: the ignored label, or null. */
  readonly ignoreIndex: number | null;
  /** Whether some voxel weight can differ from 1 (a mask or an ignored label). */
  readonly weighted: boolean;
  /** Re-runs core's validation to raise the exact DiceKitError once a fused check saw a bad value. */
  readonly raiseDataError: () => never;
}

function isFloatArray(data: unknown): data is FloatArray {
  return data instanceof Float32Array || data instanceof Float64Array;
}

function asWeightArray(data: TensorLike['data']): WeightArray {
  if (data instanceof Float32Array || data instanceof Float64Array || data instanceof Uint8Array) return data;
  // BigInt64Array never gets here: core refuses it for masks and dense targets.
  return Float64Array.from(data as ArrayLike<number>);
}

/**
 * Puts the arrays of a prepared call in kernel form. Label maps of other integer types (and number
 * arrays) are validated by core first, then converted, so the fused label check needs only the three
 * integer types.
 */
export function kernelDataOf(
  options: ResolvedCommonOptions,
  geometry: Geometry,
  input: TensorLike,
  target: TensorLike,
  mask: TensorLike | null,
): KernelData {
  const raiseDataError = (): never => {
    validateData(options, geometry, input, target, mask);
    // The fused checks flag exactly what core refuses; reaching this line would be a kernel bug.
    throw new DiceKitError('E_VALUE', 'a fused data check failed but core found no bad value; please report this');
  };
  const inputData = isFloatArray(input.data) ? input.data : Float64Array.from(input.data as ArrayLike<number>);
  let labels: LabelArray | null = null;
  let dense: WeightArray | null = null;
  if (options.targetFormat === 'labels') {
    const data = target.data;
    if (data instanceof Uint8Array || data instanceof Uint16Array || data instanceof Int32Array) {
      labels = data;
    } else {
      validateData(options, geometry, input, target, mask);
      labels = data instanceof BigInt64Array ? Float64Array.from(data, Number) : Float64Array.from(data as ArrayLike<number>);
    }
  } else {
    dense = asWeightArray(target.data);
  }
  const maskData = mask === null ? null : asWeightArray(mask.data);
  const ignoreIndex = labels === null ? null : options.ignoreIndex;
  return {
    geometry,
    activation: options.activation,
    input: inputData,
    dense,
    labels,
    mask: maskData,
    ignoreIndex,
    weighted: maskData !== null || ignoreIndex !== null,
    raiseDataError,
  };
}
