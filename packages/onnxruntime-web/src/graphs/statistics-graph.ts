import type { CompoundKind, StatisticsKind } from '@dicekit/core';
import { GraphBuilder } from '../onnx/graph-builder.js';
import { OnnxDataType, type Dimension, type GraphSpec } from '../onnx/onnx-model.js';
import { declareInputs, reduceVoxels, softmaxProbabilities, softmaxWithLog, stableSoftplus, type CanonicalInputs } from './graph-inputs.js';
import type { InputVariant, ReductionPlan } from './graph-variant.js';

/** The constants of a compound loss's cross-entropy or focal term, baked into the graph. */
export interface CompoundSettings {
  readonly kind: CompoundKind;
  /** `C` class weights or null (all 1). */
  readonly classWeights: readonly number[] | null;
  /** Focal exponent γ (0 for cross-entropy). */
  readonly focalGamma: number;
  /** Focal α: a number (sigmoid), `C` numbers (softmax) or null. */
  readonly focalAlpha: number | readonly number[] | null;
}

/** What the statistics graph computes: soft statistics of a loss, or hard ones of a metric. */
export interface StatisticsVariant extends InputVariant {
  readonly plan: ReductionPlan;
  /** Loss statistics (`kind`), or binarised ones for a metric (`binarize`). */
  readonly kind: StatisticsKind;
  readonly binarize: { readonly argmax: boolean; readonly threshold: number } | null;
  readonly compound: CompoundSettings | null;
  /**
   * Adds the data-check outputs of {@link addDataCheckOutputs} (SPEC.md section 7 fused into the
   * statistics pass). Absent or false: no check outputs.
   */
  readonly dataChecks?: boolean;
}

/** Names of the scalar float32 outputs the data checks may add, in the order they are declared. */
export const dataCheckOutputNames = ['inputMinimum', 'inputMaximum', 'targetMinimum', 'targetMaximum', 'maskMinimum'] as const;

/**
 * `[N, C]` float64 sums of the logits (`inputSum`) the CPU-tuned checks output instead of the input's
 * minimum and maximum when the input only has to be finite (activation sigmoid or softmax).
 */
export const inputSumOutputName = 'inputSum';

/**
 * Whether the CPU-tuned checks of a variant read the label map through the statistics alone:
 * C > 1 labels without mask or ignoreIndex. Each voxel's one-hot row sums to 1 exactly when its label
 * lies in [0, C) (an integer label cast to float32 equals a channel index only if it is one), so the
 * labels are all valid exactly when Σ_c targetSum[n, c] = V for every n (exact: sums of 0/1 values).
 */
export function labelsCheckedByCount(variant: InputVariant): boolean {
  return variant.cpuKernels === true && variant.targetFormat === 'labels' && !variant.singleChannelLabels && !variant.hasMask && variant.ignoreIndex === null;
}

/** Per-channel constant `[1, C, 1, ..., 1]`. */
function perChannel(builder: GraphBuilder, values: readonly number[], rank: number): string {
  return builder.constant('float', [1, values.length, ...new Array<number>(rank - 2).fill(1)], values);
}

/**
 * One-hot of the first channel holding the largest value (SPEC.md section 6: the first channel wins
 * ties): `x == max_c x`, kept only where the running count of maxima along the channels is 1. Written
 * without ArgMax, whose tie-breaking is not the same on every execution provider.
 */
export function firstMaximumOneHot(builder: GraphBuilder, logits: string): string {
  const maximum = builder.op('ReduceMax', [logits], { axes: [1], keepdims: 1 });
  const isMaximum = builder.cast(builder.op('Equal', [logits, maximum]), OnnxDataType.float);
  const runningCount = builder.op('CumSum', [isMaximum, builder.constant('int32', [], [1])]);
  return builder.mul(isMaximum, builder.cast(builder.op('Equal', [runningCount, builder.scalar(1)]), OnnxDataType.float));
}

/** `base^γ` with the conventions of core: `x^0 = 1` (also at 0), evaluated as Pow. */
function power(builder: GraphBuilder, base: string, gamma: number): string | null {
  if (gamma === 0) return null;
  if (gamma === 1) return base;
  return builder.op('Pow', [base, builder.scalar(gamma)]);
}

/**
 * `(1 - p)^γ` of a softmax probability as `exp(γ·log(max(1 - p, 0)))` (SPEC.md section 4): a p
 * rounded above 1 cannot make a NaN, and γ < 1 stays finite. Null when γ = 0 (factor 1).
 */
export function complementPower(builder: GraphBuilder, probabilities: string, gamma: number): string | null {
  if (gamma === 0) return null;
  const complement = builder.op('Relu', [builder.sub(builder.scalar(1), probabilities)]);
  return builder.op('Exp', [builder.mul(builder.scalar(gamma), builder.op('Log', [complement]))]);
}

function multiplyOptional(builder: GraphBuilder, value: string, factor: string | null): string {
  return factor === null ? value : builder.mul(value, factor);
}

/**
 * The statistics graph (SPEC.md section 3), ONE pass over the voxels:
 * inputs `input` `[N, C, ...spatial]` (or channels-last), `target` (dense, same shape; or a label map),
 * optional `mask`; outputs, each `[N, C]` float64: `intersection` Σ m p t, `predictionSum` Σ m p (Σ m p²
 * when squared), `targetSum` Σ m t (Σ m t²), and `absoluteDifference` Σ m |p - t| for soft labels.
 * With `binarize`, p is the hard prediction (argmax one-hot, or act(x) >= threshold).
 * Compound losses add `compoundLoss` and `compoundWeight` (see below).
 */
export function buildStatisticsGraph(
  variant: StatisticsVariant,
  extend?: (builder: GraphBuilder, context: Pick<CanonicalInputs, 'logits' | 'target' | 'weight' | 'rank'>) => void,
): GraphSpec {
  const builder = new GraphBuilder();
  const inputs = declareInputs(builder, variant);
  const { logits, target, weight, rank, labels, mask } = inputs;
  const reduce = (value: string) => reduceVoxels(builder, value, rank, variant.plan);

  let probabilities: string;
  let softmax: { probabilities: string; logProbabilities: string } | null = null;
  if (variant.binarize !== null && variant.binarize.argmax) {
    probabilities = firstMaximumOneHot(builder, logits);
  } else {
    if (variant.activation === 'sigmoid') probabilities = builder.op('Sigmoid', [logits]);
    else if (variant.activation === 'softmax') {
      if (variant.compound !== null) {
        softmax = softmaxWithLog(builder, logits);
        probabilities = softmax.probabilities;
      } else {
        probabilities = variant.cpuKernels === true ? softmaxProbabilities(builder, logits) : builder.op('Softmax', [logits], { axis: 1 });
      }
    } else probabilities = logits;
    if (variant.binarize !== null) {
      probabilities = builder.cast(
        builder.op('GreaterOrEqual', [probabilities, builder.scalar(variant.binarize.threshold)]),
        OnnxDataType.float,
      );
    }
  }

  const weighted = multiplyOptional(builder, probabilities, weight);
  const dims: Dimension[] = ['N', 'C'];
  builder.output(reduce(builder.mul(weighted, target)), 'intersection', 'double', dims, 'sum over voxels of m p t');
  builder.output(
    reduce(variant.kind.squared ? builder.mul(weighted, probabilities) : weighted),
    'predictionSum',
    'double',
    dims,
    variant.kind.squared ? 'sum of m p^2' : 'sum of m p',
  );
  const weightedTarget = multiplyOptional(builder, target, weight);
  const targetIsBinary = variant.targetFormat === 'labels';
  builder.output(
    reduce(variant.kind.squared && !targetIsBinary ? builder.mul(weightedTarget, target) : weightedTarget),
    'targetSum',
    'double',
    dims,
    variant.kind.squared ? 'sum of m t^2' : 'sum of m t',
  );
  if (variant.kind.absoluteDifference) {
    const difference = builder.op('Abs', [builder.sub(probabilities, target)]);
    builder.output(reduce(multiplyOptional(builder, difference, weight)), 'absoluteDifference', 'double', dims, 'sum of m |p - t|');
  }
  if (variant.dataChecks === true) addDataCheckOutputs(builder, variant, logits, target, labels, weight, mask);
  if (variant.compound !== null) addCompoundOutputs(builder, variant, variant.compound, logits, probabilities, softmax?.logProbabilities ?? null, target, weight, rank, reduce);
  if (extend !== undefined) {
    extend(builder, { logits, target, weight, rank });
    return builder.build('dicekit_loss', 'dicekit loss graph: statistics and the per-pair formulas of SPEC.md section 4');
  }
  return builder.build('dicekit_statistics', 'dicekit statistics graph (SPEC.md section 3)');
}

/**
 * The data checks of SPEC.md section 7 as scalar float32 outputs, read from tensors the statistics
 * pass already holds: `inputMinimum` / `inputMaximum` (ReduceMin / ReduceMax of the input),
 * `targetMinimum` / `targetMaximum` (of the dense target, or of the label map with ignored voxels
 * set to 0), `maskMinimum` (with a mask). Min/max alone cannot see a NaN (onnxruntime's ReduceMin /
 * ReduceMax skip NaN unless it comes first), so the host also requires every statistics output to be
 * finite: a NaN in the input, dense target or mask, or an infinite mask value, reaches Σ m p or Σ m t
 * (`m · p` is NaN or infinite when m is, since p is finite). A failed test only sends the host to
 * core's exact checks, so an overflowing sum costs time, never a wrong verdict.
 * With `cpuKernels`, two cheaper forms where they are exact: logits (sigmoid, softmax) are checked
 * through their `[N, C]` sum `inputSum` (finite exactly when every logit is, barring a float32
 * overflow of huge finite values: a false alarm), and C > 1 label maps without mask or ignoreIndex
 * through Σ_c targetSum = V ({@link labelsCheckedByCount}). Probabilities (activation 'none') and
 * dense targets keep their ReduceMin / ReduceMax: a range test needs every value compared.
 */
function addDataCheckOutputs(
  builder: GraphBuilder,
  variant: StatisticsVariant,
  logits: string,
  target: string,
  labels: string | null,
  weight: string | null,
  mask: string | null,
): void {
  const scalarOutput = (value: string, name: (typeof dataCheckOutputNames)[number], operator: 'ReduceMin' | 'ReduceMax', doc: string) =>
    builder.output(builder.op(operator, [value], { keepdims: 0 }), name, 'float', [], doc);
  if (variant.cpuKernels === true && variant.activation !== 'none') {
    // Logits only have to be finite: any NaN or ±Infinity makes their sum non-finite (one cheap
    // pooled read instead of a ReduceMin and a ReduceMax; -Infinity never reaches the softmax sums).
    builder.output(reduceVoxels(builder, logits, variant.spatialRank + 2, variant.plan), inputSumOutputName, 'double', ['N', 'C'], 'sum of the logits (finiteness check)');
  } else {
    scalarOutput(logits, 'inputMinimum', 'ReduceMin', 'smallest input value (NaN skipped)');
    scalarOutput(logits, 'inputMaximum', 'ReduceMax', 'largest input value (NaN skipped)');
  }
  // Labels checked by count have no mask (see labelsCheckedByCount): nothing else to output.
  if (!labelsCheckedByCount(variant)) addTargetCheckOutputs(builder, variant, target, labels, weight, mask);
}

/** Minimum and maximum of the dense target or of the label map (ignored voxels as 0), and of the mask. */
function addTargetCheckOutputs(builder: GraphBuilder, variant: StatisticsVariant, target: string, labels: string | null, weight: string | null, mask: string | null): void {
  const scalarOutput = (value: string, name: (typeof dataCheckOutputNames)[number], operator: 'ReduceMin' | 'ReduceMax', doc: string) =>
    builder.output(builder.op(operator, [value], { keepdims: 0 }), name, 'float', [], doc);
  let checked = target;
  if (labels !== null) {
    // The ignoreIndex test already zeroes the weight of ignored voxels; zero their label too.
    checked = variant.ignoreIndex !== null && weight !== null && !variant.hasMask ? builder.mul(labels, weight) : labels;
    if (variant.ignoreIndex !== null && variant.hasMask) {
      const kept = builder.cast(builder.op('Not', [builder.op('Equal', [labels, builder.scalar(variant.ignoreIndex)])]), OnnxDataType.float);
      checked = builder.mul(labels, kept);
    }
  }
  scalarOutput(checked, 'targetMinimum', 'ReduceMin', labels === null ? 'smallest dense target value' : 'smallest label (ignored voxels as 0)');
  scalarOutput(checked, 'targetMaximum', 'ReduceMax', labels === null ? 'largest dense target value' : 'largest label (ignored voxels as 0)');
  if (mask !== null) scalarOutput(mask, 'maskMinimum', 'ReduceMin', 'smallest mask value');
}

/**
 * The sums of the cross-entropy or focal term (SPEC.md section 4):
 * - softmax: `compoundLoss` `[N, 1]` = Σ_v ω_v ℓ_v and `compoundWeight` `[N, 1]` = Σ_v ω_v, with
 *   ℓ_v = -Σ_c a_c t_c (1 - p_c)^γ log p_c and ω_v = m_v Σ_c w_c t_c;
 * - sigmoid: `compoundLoss` `[N, C]` = Σ_v m_v ℓ_vc (the host multiplies by w_c) and
 *   `compoundWeight` `[N, 1]` = Σ_v m_v (only with a mask or ignoreIndex), with ℓ = -a₁ t (1-p)^γ log p - a₀ (1-t) p^γ log(1-p).
 * log p comes from the logits (x - logsumexp(x), -softplus(-x)), never from a rounded probability.
 */
function addCompoundOutputs(
  builder: GraphBuilder,
  variant: StatisticsVariant,
  compound: CompoundSettings,
  logits: string,
  probabilities: string,
  softmaxLog: string | null,
  target: string,
  weight: string | null,
  rank: number,
  reduce: (value: string) => string,
): void {
  const gamma = compound.kind === 'focal' ? compound.focalGamma : 0;
  const one = builder.scalar(1);
  if (variant.activation === 'softmax') {
    const logProbabilities = softmaxLog as string;
    let perChannelLoss = builder.mul(target, logProbabilities);
    const focal = complementPower(builder, probabilities, gamma);
    if (focal !== null) perChannelLoss = builder.mul(perChannelLoss, focal);
    if (Array.isArray(compound.focalAlpha)) perChannelLoss = builder.mul(perChannelLoss, perChannel(builder, compound.focalAlpha, rank));
    const voxelLoss = builder.op('Neg', [builder.op('ReduceSum', [perChannelLoss, builder.ints([1])], { keepdims: 1 })]);
    const classWeighted = compound.classWeights === null ? target : builder.mul(target, perChannel(builder, compound.classWeights, rank));
    const omega = multiplyOptional(builder, builder.op('ReduceSum', [classWeighted, builder.ints([1])], { keepdims: 1 }), weight);
    builder.output(reduce(builder.mul(omega, voxelLoss)), 'compoundLoss', 'double', ['N', 1], 'sum of w_v l_v (softmax)');
    builder.output(reduce(omega), 'compoundWeight', 'double', ['N', 1], 'sum of w_v');
    return;
  }
  const logProbability = builder.op('Neg', [stableSoftplus(builder, builder.op('Neg', [logits]))]);
  const logComplement = builder.op('Neg', [stableSoftplus(builder, logits)]);
  const complement = builder.op('Sigmoid', [builder.op('Neg', [logits])]);
  const alpha = typeof compound.focalAlpha === 'number' ? compound.focalAlpha : null;
  let positive = builder.mul(target, logProbability);
  const complementFactor = power(builder, complement, gamma);
  if (complementFactor !== null) positive = builder.mul(positive, complementFactor);
  if (alpha !== null) positive = builder.mul(positive, builder.scalar(alpha));
  let negative = builder.mul(builder.sub(one, target), logComplement);
  const probabilityPower = power(builder, probabilities, gamma);
  if (probabilityPower !== null) negative = builder.mul(negative, probabilityPower);
  if (alpha !== null) negative = builder.mul(negative, builder.scalar(1 - alpha));
  const elementLoss = builder.op('Neg', [builder.add(positive, negative)]);
  builder.output(reduce(multiplyOptional(builder, elementLoss, weight)), 'compoundLoss', 'double', ['N', 'C'], 'sum of m l (sigmoid, per channel)');
  // Without a weight the sum of m is the voxel count, which the host knows.
  if (weight !== null) builder.output(reduce(weight), 'compoundWeight', 'double', ['N', 1], 'sum of m');
}
