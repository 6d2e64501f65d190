import {
  compoundKindOf,
  createStatistics,
  diceTermFromStatistics,
  elementwiseCoefficients,
  prepareLoss,
  type LossName,
  type LossOptions,
  type PairStatistics,
  type Tensor64,
} from '@dicekit/core';
import { buildGradientGraph, coefficientNames, type GradientVariant } from '../graphs/gradient-graph.js';
import { cpuReductionPlanFor, reductionPlanFor, variantKey } from '../graphs/graph-variant.js';
import { buildLossGraph, type LossGraphVariant } from '../graphs/loss-graph.js';
import { buildStatisticsGraph, labelsCheckedByCount, type CompoundSettings, type StatisticsVariant } from '../graphs/statistics-graph.js';
import { inputFeeds, inputVariantOf } from './input-variant.js';
import type { OrtTensor } from './ort-runtime.js';
import { checkDataFast, dataChecksPassed, graphChecksSupported } from './fast-data-check.js';
import { hostTensorOf } from './ort-tensors.js';
import type { SessionCache } from './session-cache.js';

/** A loss value with its gradient and the statistics it came from. */
export interface LossComputation {
  /** Shape `[]` (mean, sum) or the matrix (`reduction: 'none'`), float64. */
  readonly loss: Tensor64;
  /** `d loss / d input` as an ort.Tensor of the input's shape, layout and type, when requested. */
  readonly gradient: OrtTensor | null;
  /** Per (n, c) statistics `[N, C]`, float64. */
  readonly statistics: PairStatistics;
}

/** Tensors of one loss evaluation. */
export interface LossTensors {
  readonly input: OrtTensor;
  readonly target: OrtTensor;
  readonly mask: OrtTensor | null;
}

/**
 * One loss evaluation: host checks through core's `prepareLoss` (unless the caller already made them
 * on the original data), the statistics graph, core's per-pair formulas on the `[N, C]` statistics,
 * and, on request, the gradient graph fed with core's elementwise coefficients.
 */
export async function runLoss(
  cache: SessionCache,
  loss: LossName,
  options: Omit<LossOptions, 'mask'>,
  tensors: LossTensors,
  settings: {
    readonly gradient: boolean;
    readonly checkData: boolean;
    /**
     * Where the data checks run: `'graph'` (default where supported: fused into the statistics
     * graph, the host reads only scalars) or `'host'` (one JS read of each array first).
     */
    readonly dataChecks?: 'graph' | 'host';
  },
): Promise<LossComputation> {
  const { input, target, mask } = tensors;
  const hostInput = await hostTensorOf(input);
  const hostTarget = await hostTensorOf(target);
  const hostMask = mask === null ? undefined : await hostTensorOf(mask);
  const prepared = prepareLoss(loss, hostInput, hostTarget, { ...options, mask: hostMask }, { checkData: false });
  // onnxruntime's CPU kernels (wasm EP): pooled sums, written-out softmax, cheaper fused checks.
  const cpuKernels = graphChecksSupported(cache.settings.executionProviders);
  const inGraph = settings.checkData && settings.dataChecks !== 'host' && cpuKernels;
  if (settings.checkData && !inGraph) checkDataFast(prepared.options, prepared.geometry, hostInput, hostTarget, hostMask ?? null);
  const { options: resolved, geometry, classes, kind } = prepared;
  const compoundKind = compoundKindOf(resolved.loss);
  const compound: CompoundSettings | null =
    compoundKind === null
      ? null
      : { kind: compoundKind, classWeights: resolved.classWeights, focalGamma: resolved.focalGamma, focalAlpha: resolved.focalAlpha };
  const base = { ...inputVariantOf(resolved, geometry, input, target, mask), cpuKernels };
  const plan = cpuKernels ? cpuReductionPlanFor(geometry.spatialShape) : reductionPlanFor(geometry.spatialShape);
  const statisticsVariant: StatisticsVariant = { ...base, plan, kind, binarize: null, compound, dataChecks: inGraph };
  const statisticsSession = await cache.session(`statistics:${variantKey(statisticsVariant)}`, () => buildStatisticsGraph(statisticsVariant));
  const outputs = await statisticsSession.run(inputFeeds(input, target, mask));
  const read = (name: string) => {
    const tensor = outputs[name];
    if (tensor === undefined) throw new Error(`statistics graph produced no '${name}'`);
    return tensor.data as Float64Array;
  };
  // Only when the scalars look wrong does the host read the arrays, to raise core's exact error.
  if (inGraph && !dataChecksPassed(resolved, geometry, outputs, { labelsByCount: labelsCheckedByCount(statisticsVariant) })) checkDataFast(resolved, geometry, hostInput, hostTarget, hostMask ?? null);
  const { batch, channels, voxels } = geometry;
  const statistics = createStatistics(batch, channels, kind);
  statistics.intersection.set(read('intersection'));
  statistics.prediction.set(read('predictionSum'));
  statistics.target.set(read('targetSum'));
  if (statistics.absoluteDifference !== null) statistics.absoluteDifference.set(read('absoluteDifference'));

  const term = diceTermFromStatistics(resolved, classes, statistics, compoundKind === null ? 1 : resolved.lambdaDice);
  let value = term.value;
  let compoundScale = 0;
  if (compound !== null) {
    const lambda = compound.kind === 'crossEntropy' ? resolved.lambdaCE : resolved.lambdaFocal;
    const lossSums = read('compoundLoss');
    let weightedSum = 0;
    let totalWeight = 0;
    if (resolved.activation === 'softmax') {
      // ω_v = m_v Σ_c w_c t_c depends on the targets: the graph always sums it.
      const weightSums = read('compoundWeight');
      for (let sample = 0; sample < batch; sample++) {
        weightedSum += lossSums[sample] as number;
        totalWeight += weightSums[sample] as number;
      }
    } else {
      // ω = m_v w_c: Σ ω = (Σ_c w_c)(Σ_v m_v), and Σ_v m_v = V without a mask or ignoreIndex.
      const weightSums = mask !== null || base.ignoreIndex !== null ? read('compoundWeight') : null;
      let classWeightSum = 0;
      for (let channel = 0; channel < channels; channel++) {
        const classWeight = resolved.classWeights === null ? 1 : (resolved.classWeights[channel] as number);
        classWeightSum += classWeight;
        for (let sample = 0; sample < batch; sample++) weightedSum += classWeight * (lossSums[sample * channels + channel] as number);
      }
      for (let sample = 0; sample < batch; sample++) totalWeight += classWeightSum * (weightSums === null ? voxels : (weightSums[sample] as number));
    }
    let extra = 0;
    if (totalWeight !== 0) {
      const normaliser = resolved.reduction === 'mean' ? totalWeight : 1;
      extra = (lambda * weightedSum) / normaliser;
      compoundScale = lambda / normaliser;
    }
    value = { shape: [], data: Float64Array.of((term.value.data[0] as number) + extra) };
  }
  let gradient: OrtTensor | null = null;
  if (settings.gradient) {
    const gradientVariant: GradientVariant = { ...base, kind, compound };
    const gradientSession = await cache.session(`gradient:${variantKey(gradientVariant)}`, () => buildGradientGraph(gradientVariant));
    const coefficients = elementwiseCoefficients(kind, term);
    const feeds: Record<string, OrtTensor> = inputFeeds(input, target, mask);
    const fields = { constantCoefficient: coefficients.constant, targetCoefficient: coefficients.target, predictionCoefficient: coefficients.prediction, signCoefficient: coefficients.sign };
    for (const name of coefficientNames(kind)) feeds[name] = new cache.ort.Tensor('float32', Float32Array.from(fields[name]), [batch, channels]);
    if (compound !== null) feeds.compoundScale = new cache.ort.Tensor('float32', Float32Array.of(compoundScale), []);
    const result = await gradientSession.run(feeds);
    gradient = result.gradient ?? null;
  }
  return { loss: value, gradient, statistics };
}

/**
 * The loss from the single in-graph model (statistics, per-pair formulas and, on request, the
 * gradient in ONNX nodes: what `exportLossModels(...).loss` emits); host checks as in {@link runLoss}.
 */
export async function runLossGraph(
  cache: SessionCache,
  loss: LossName,
  options: Omit<LossOptions, 'mask'>,
  tensors: LossTensors,
  settings: { readonly checkData: boolean; readonly gradient: boolean },
): Promise<{ loss: Tensor64; gradient: OrtTensor | null }> {
  const { input, target, mask } = tensors;
  const hostInput = await hostTensorOf(input);
  const hostTarget = await hostTensorOf(target);
  const hostMask = mask === null ? undefined : await hostTensorOf(mask);
  const prepared = prepareLoss(loss, hostInput, hostTarget, { ...options, mask: hostMask }, { checkData: false });
  if (settings.checkData) checkDataFast(prepared.options, prepared.geometry, hostInput, hostTarget, hostMask ?? null);
  const { options: resolved, geometry, kind } = prepared;
  const compoundKind = compoundKindOf(resolved.loss);
  const compound: CompoundSettings | null =
    compoundKind === null
      ? null
      : { kind: compoundKind, classWeights: resolved.classWeights, focalGamma: resolved.focalGamma, focalAlpha: resolved.focalAlpha };
  const variant: LossGraphVariant = {
    ...inputVariantOf(resolved, geometry, input, target, mask),
    plan: reductionPlanFor(geometry.spatialShape),
    kind,
    binarize: null,
    compound,
    options: resolved,
    withGradient: settings.gradient,
  };
  const session = await cache.session(`loss:${variantKey(variant)}`, () => buildLossGraph(variant));
  const outputs = await session.run(inputFeeds(input, target, mask));
  const value = outputs.loss;
  if (value === undefined) throw new Error("loss graph produced no 'loss'");
  return { loss: { shape: [...value.dims], data: Float64Array.from(value.data as Float64Array) }, gradient: outputs.gradient ?? null };
}
