import {
  compoundKindOf,
  createStatistics,
  diceTermFromStatistics,
  DiceKitError,
  elementwiseCoefficients,
  formatShape,
  prepareLoss,
  type DiceTermResult,
  type ElementwiseCoefficients,
  type LossName,
  type LossOptions,
  type PairStatistics,
  type PreparedLoss,
  type Tensor64,
  type TensorLike,
} from '@dicekit/core';
import { compoundSettingsOf } from '../kernel/compound-block.js';
import { directGradient, directPathApplies, directStatistics, type KernelChoice } from '../kernel/direct-pass.js';
import { gradientPass, type CompoundGradient } from '../kernel/gradient-pass.js';
import { kernelDataOf, type FloatArray } from '../kernel/kernel-data.js';
import { BlockScratch } from '../kernel/block-scratch.js';
import { statisticsPass } from '../kernel/statistics-pass.js';
import { kernelAddress } from '../memory/kernel-memory.js';

/**
 * Whether and where to write `d loss / d input`: `true` allocates a buffer of the input's float type
 * (Float32Array for float32 input, else Float64Array); a Float32Array or Float64Array of the input's
 * length is overwritten in place (no allocation proportional to the data).
 */
export interface TypedArraySettings {
  readonly gradient?: boolean | FloatArray;
  /**
   * `'auto'` (default) lets float32 rows run the WebAssembly SIMD kernel where it applies;
   * `'javascript'` forces the pure-JavaScript kernels (the same bits for probabilities; for sigmoid the
   * SIMD kernel's float32 exponential differs by about 1.2e-7 relative per element, see README).
   */
  readonly kernel?: KernelChoice;
}

/** A loss, its optional gradient (same shape and layout as the input) and the statistics it came from. */
export interface TypedArrayLossResult {
  /** Shape `[]` for `'mean'` / `'sum'`, the matrix for `'none'`. */
  readonly loss: Tensor64;
  readonly gradient: { readonly shape: number[]; readonly data: FloatArray } | null;
  /** Per `(n, c)`, `[N, C]`, float64. */
  readonly statistics: PairStatistics;
}

function overlaps(a: ArrayBufferView, b: ArrayBufferView): boolean {
  // Arrays in kernel memory may hold different buffer objects of the same (grown) memory.
  if (a.buffer !== b.buffer && !(kernelAddress(a) >= 0 && kernelAddress(b) >= 0)) return false;
  return a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

function gradientBuffer(request: TypedArraySettings['gradient'], input: TensorLike, target: TensorLike, mask: TensorLike | null): FloatArray | null {
  if (request === undefined || request === false) return null;
  const length = input.data.length;
  if (request === true) return input.data instanceof Float32Array ? new Float32Array(length) : new Float64Array(length);
  if (!(request instanceof Float32Array) && !(request instanceof Float64Array)) {
    throw new DiceKitError('E_DTYPE', 'the gradient buffer must be a Float32Array or a Float64Array');
  }
  if (request.length !== length) {
    throw new DiceKitError('E_SHAPE', `the gradient buffer holds ${request.length} elements; input ${formatShape(input.shape)} needs ${length}`);
  }
  for (const [name, tensor] of [['input', input], ['target', target], ['mask', mask]] as const) {
    if (tensor !== null && ArrayBuffer.isView(tensor.data) && overlaps(request, tensor.data as ArrayBufferView)) {
      throw new DiceKitError('E_OPTION', `the gradient buffer shares memory with the ${name}; inputs are never modified`);
    }
  }
  return request;
}

/**
 * The forward half of a loss call, for adapters that apply their own upstream derivative (tfjs'
 * `customGrad`, reduction `'none'` with per-entry weights): the value, the statistics, core's Dice term,
 * and `gradient` to write `d (Σ upstream · loss) / d input` later from coefficients the caller scales.
 */
export interface TypedArrayLossPass {
  /** Core's preparation of the call (resolved options, geometry, classes, statistics kind). */
  readonly prepared: PreparedLoss;
  /** Shape `[]` for `'mean'` / `'sum'`, the matrix for `'none'`. */
  readonly loss: Tensor64;
  readonly statistics: PairStatistics;
  /** Core's Dice term of the statistics (value and derivatives per pair). */
  readonly diceTerm: DiceTermResult;
  /**
   * Writes the gradient into `output` (the input's length; every element is overwritten, so the
   * buffer need not be cleared): the Dice term's part from `coefficients`
   * (default: `elementwiseCoefficients(kind, diceTerm)`, i.e. upstream 1), plus the compound term's
   * part times `compoundScale` (default 1). The inputs must not have changed since the pass.
   */
  gradient(output: FloatArray, coefficients?: ElementwiseCoefficients, compoundScale?: number): void;
}

/**
 * Runs the statistics pass of `loss` (activation, data checks and the compound term fused in) and
 * returns the value with a `gradient` writer: `computeLoss` is this pass followed by one gradient
 * call. Same arguments and errors as {@link computeLoss}; `settings.gradient` is ignored here (pass the
 * buffer to `gradient`), except that a Float64Array request keeps the statistics in float64 precision.
 *
 * @throws DiceKitError with the codes of SPEC.md section 7.
 */
export function lossPass(
  loss: LossName,
  input: TensorLike,
  target: TensorLike,
  options?: LossOptions,
  settings: TypedArraySettings = {},
): TypedArrayLossPass {
  const prepared = prepareLoss(loss, input, target, options, { checkData: false });
  const { options: resolved, geometry, classes, mask, kind } = prepared;
  const data = kernelDataOf(resolved, geometry, input, target, mask);
  const choice = settings.kernel ?? 'auto';
  const compoundKind = compoundKindOf(resolved.loss);
  const compound = compoundKind === null ? null : compoundSettingsOf(compoundKind, resolved, geometry.channels);
  const direct = directPathApplies(data, kind, compound !== null);
  const scratch = direct ? null : new BlockScratch(geometry.channels);
  let statistics: PairStatistics;
  let compoundSums: Float64Array | null = null;
  if (direct) {
    statistics = createStatistics(geometry.batch, geometry.channels, kind);
    // A Float64Array gradient buffer asks for float64 precision: the statistics then skip the float32
    // exponential of the SIMD sigmoid (its ~1e-8 relative effect on the sums would reach the gradient).
    if (!directStatistics(data, statistics, choice, !(settings.gradient instanceof Float64Array))) data.raiseDataError();
  } else {
    ({ statistics, compoundSums } = statisticsPass(data, kind, compound, scratch ?? undefined));
  }
  const diceTerm = diceTermFromStatistics(resolved, classes, statistics, compound === null ? 1 : resolved.lambdaDice);

  let value = diceTerm.value;
  let compoundFactor = 0;
  if (compound !== null && compoundSums !== null) {
    const lambda = compoundKind === 'crossEntropy' ? resolved.lambdaCE : resolved.lambdaFocal;
    const totalWeight = compoundSums[1] as number;
    let extra = 0;
    if (totalWeight !== 0) {
      const normaliser = resolved.reduction === 'mean' ? totalWeight : 1;
      extra = (lambda * (compoundSums[0] as number)) / normaliser;
      compoundFactor = lambda / normaliser;
    }
    value = { shape: [], data: Float64Array.of((diceTerm.value.data[0] as number) + extra) };
  }
  const gradient = (output: FloatArray, coefficients = elementwiseCoefficients(kind, diceTerm), compoundScale = 1): void => {
    if (output.length !== input.data.length) {
      throw new DiceKitError('E_SHAPE', `the gradient buffer holds ${output.length} elements; input ${formatShape(input.shape)} needs ${input.data.length}`);
    }
    if (direct) {
      directGradient(data, coefficients, output, choice);
      return;
    }
    const compoundGradient: CompoundGradient | null =
      compound === null || compoundFactor === 0 ? null : { settings: compound, factor: compoundFactor * compoundScale };
    gradientPass(data, kind, coefficients, compoundGradient, output, scratch ?? undefined);
  };
  return { prepared, loss: value, statistics, diceTerm, gradient };
}

/**
 * Any loss of SPEC.md section 4 over typed arrays, in two fused passes: one over the data for the
 * statistics (activation, data checks and the compound term fused in), one for the gradient. The
 * O(N·C) middle (per-pair formulas, reduction, derivatives) is core's `diceTermFromStatistics`.
 *
 * Shapes: `input` `[N, C, ...spatial]` (channels-last `[N, ...spatial, C]`), Float32Array or
 * Float64Array; `target` the same (dense: Float32Array, Float64Array or Uint8Array) or `[N, ...spatial]`
 * (labels: Uint8Array, Uint16Array, Int32Array or BigInt64Array); `options.mask` `[N, ...spatial]`.
 * Sums are float64 whatever the input type. Inputs are never modified.
 *
 * @throws DiceKitError with the codes of SPEC.md section 7.
 */
export function computeLoss(
  loss: LossName,
  input: TensorLike,
  target: TensorLike,
  options?: LossOptions,
  settings: TypedArraySettings = {},
): TypedArrayLossResult {
  const pass = lossPass(loss, input, target, options, settings);
  const output = gradientBuffer(settings.gradient, input, target, pass.prepared.mask);
  if (output !== null) pass.gradient(output);
  return { loss: pass.loss, gradient: output === null ? null : { shape: [...input.shape], data: output }, statistics: pass.statistics };
}
