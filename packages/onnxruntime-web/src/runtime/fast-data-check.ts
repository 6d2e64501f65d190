import { validateData, type Geometry, type NumericData, type ResolvedCommonOptions, type TensorLike } from '@dicekit/core';
import { inputSumOutputName } from '../graphs/statistics-graph.js';
import type { ExecutionProviders, OrtTensor } from './ort-runtime.js';

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

/**
 * Whether the data checks may run inside the statistics graph on these execution providers: wasm
 * only. On WebGPU the check outputs are not used: WGSL leaves min/max of NaN unspecified, and the
 * tensors are downloaded for the host read anyway, so the host checks stay (README, limitations).
 */
export function graphChecksSupported(executionProviders: ExecutionProviders | undefined): boolean {
  if (executionProviders === undefined) return true;
  return executionProviders.every((provider) => {
    const name = typeof provider === 'string' ? provider : provider.name;
    return name === 'wasm' || name === 'cpu';
  });
}

/**
 * Reads the scalar check outputs of a statistics graph built with `dataChecks` (see
 * `addDataCheckOutputs`): true when the data certainly pass SPEC.md section 7, false when the host
 * must look (a false alarm, e.g. a sum that overflowed, only costs the host read).
 * Input: activation 'none' needs [0, 1], otherwise finite; dense target [0, 1]; labels in [0, C)
 * (or [0, 2) when C == 1) with ignored voxels read as 0; mask >= 0; and every statistic finite,
 * which is how NaN (and an infinite mask value) shows up. CPU-tuned graphs: logits through the
 * finiteness of `inputSum`, and with `labelsByCount` the labels through Σ_c targetSum[n, c] = V.
 */
export function dataChecksPassed(
  options: ResolvedCommonOptions,
  geometry: Geometry,
  outputs: Readonly<Record<string, OrtTensor>>,
  settings: { readonly labelsByCount?: boolean } = {},
): boolean {
  const scalar = (name: string): number => {
    const tensor = outputs[name];
    return tensor === undefined ? Number.NaN : Number(tensor.data[0]);
  };
  const inputLow = options.activation === 'none' ? 0 : -Number.MAX_VALUE;
  const inputHigh = options.activation === 'none' ? 1 : Number.MAX_VALUE;
  // Logits checked through their sum (inputSum, tested finite below) have no minimum / maximum.
  const inputBySum = options.activation !== 'none' && outputs[inputSumOutputName] !== undefined;
  if (!inputBySum && !(scalar('inputMinimum') >= inputLow && scalar('inputMaximum') <= inputHigh)) return false;
  if (options.targetFormat === 'labels') {
    if (settings.labelsByCount === true) {
      // Every voxel's one-hot row sums to 1 exactly when its label is a class index.
      const targetSums = outputs.targetSum?.data as Float64Array | undefined;
      if (targetSums === undefined) return false;
      for (let sample = 0; sample < geometry.batch; sample++) {
        let count = 0;
        for (let channel = 0; channel < geometry.channels; channel++) count += targetSums[sample * geometry.channels + channel] as number;
        if (count !== geometry.voxels) return false;
      }
    } else {
      const upper = geometry.channels === 1 ? 2 : geometry.channels;
      if (!(scalar('targetMinimum') >= 0 && scalar('targetMaximum') < upper)) return false;
    }
  } else if (!(scalar('targetMinimum') >= 0 && scalar('targetMaximum') <= 1)) return false;
  if (outputs.maskMinimum !== undefined && !(scalar('maskMinimum') >= 0)) return false;
  for (const name of ['intersection', 'predictionSum', 'targetSum', 'absoluteDifference', 'compoundLoss', 'compoundWeight', inputSumOutputName]) {
    const tensor = outputs[name];
    if (tensor === undefined) continue;
    const values = tensor.data as Float64Array;
    for (let index = 0; index < values.length; index++) if (!Number.isFinite(values[index] as number)) return false;
  }
  return true;
}
