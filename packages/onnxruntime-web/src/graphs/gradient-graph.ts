import type { StatisticsKind } from '@dicekit/core';
import { GraphBuilder } from '../onnx/graph-builder.js';
import { OnnxDataType, type GraphSpec } from '../onnx/onnx-model.js';
import { declareInputs, inputDims, type CanonicalInputs, onnxTypeOf, softmaxProbabilities, softmaxWithLog, stableSoftplus, toChannelsLast } from './graph-inputs.js';
import type { InputVariant } from './graph-variant.js';
import { complementPower, type CompoundSettings } from './statistics-graph.js';

/** What the gradient graph computes. */
export interface GradientVariant extends InputVariant {
  readonly kind: StatisticsKind;
  readonly compound: CompoundSettings | null;
}

/** The per-pair coefficient inputs a statistics kind uses (SPEC: core `elementwiseCoefficients`). */
export function coefficientNames(kind: StatisticsKind): CoefficientName[] {
  if (kind.squared) return ['targetCoefficient', 'predictionCoefficient'];
  if (kind.absoluteDifference) return ['constantCoefficient', 'signCoefficient'];
  return ['constantCoefficient', 'targetCoefficient'];
}

/**
 * The elementwise gradient pass. Inputs: `input`, `target`, optional `mask` (as the statistics graph),
 * the per-pair coefficients `[N, C]` float32 of core's `elementwiseCoefficients` (only those the kind
 * uses) and, for compound losses, `compoundScale` (a scalar: λ / Σω for 'mean', λ for 'sum').
 * Output `gradient`, same shape, layout and type as `input`:
 *
 *     dL/dp = m · (constant + target·t + prediction·p + sign·sgn(p - t))
 *     dL/dx = activation backward of dL/dp (+ the compound term's own logit gradient)
 */
export function buildGradientGraph(variant: GradientVariant): GraphSpec {
  const builder = new GraphBuilder();
  const inputs = declareInputs(builder, variant);
  const coefficients: Partial<Record<CoefficientName, string>> = {};
  for (const name of coefficientNames(variant.kind)) coefficients[name] = builder.input(name, 'float', ['N', 'C'], 'per-pair coefficient');
  const compoundScale = variant.compound === null ? null : builder.input('compoundScale', 'float', [], 'lambda / sum of weights (mean) or lambda (sum)');
  addGradientNodes(builder, variant, inputs, coefficients, compoundScale);
  return builder.build('dicekit_gradient', 'dicekit elementwise gradient graph');
}

/** Names of the per-pair coefficient inputs. */
export type CoefficientName = 'constantCoefficient' | 'targetCoefficient' | 'predictionCoefficient' | 'signCoefficient';

/**
 * Adds the elementwise gradient pass to a graph and declares its `gradient` output. `coefficients`
 * are `[N, C]` float32 values (graph inputs, or computed in the whole-loss graph); `compoundScale` a
 * float32 scalar for compound losses.
 */
export function addGradientNodes(
  builder: GraphBuilder,
  variant: GradientVariant,
  inputs: Pick<CanonicalInputs, 'logits' | 'target' | 'weight' | 'rank'>,
  coefficients: Partial<Record<CoefficientName, string>>,
  compoundScale: string | null,
): void {
  const { logits, target, weight, rank } = inputs;
  const expandAxes = builder.ints(Array.from({ length: rank - 2 }, (_, axis) => axis + 2));
  const coefficient = (name: CoefficientName) => builder.op('Unsqueeze', [coefficients[name] as string, expandAxes]);

  let probabilities = logits;
  if (variant.activation === 'sigmoid') probabilities = builder.op('Sigmoid', [logits]);
  let softmaxLog: string | null = null;
  if (variant.activation === 'softmax') {
    if (variant.compound !== null) {
      const softmax = softmaxWithLog(builder, logits);
      probabilities = softmax.probabilities;
      softmaxLog = softmax.logProbabilities;
    } else {
      probabilities = variant.cpuKernels === true ? softmaxProbabilities(builder, logits) : builder.op('Softmax', [logits], { axis: 1 });
    }
  }

  const terms: string[] = [];
  for (const name of coefficientNames(variant.kind)) {
    const value = coefficient(name);
    if (name === 'constantCoefficient') terms.push(value);
    else if (name === 'targetCoefficient') terms.push(builder.mul(value, target));
    else if (name === 'predictionCoefficient') terms.push(builder.mul(value, probabilities));
    else terms.push(builder.mul(value, builder.op('Sign', [builder.sub(probabilities, target)])));
  }
  let slope = terms.reduce((sum, term) => builder.add(sum, term));
  if (weight !== null) slope = builder.mul(slope, weight);

  let gradient: string;
  if (variant.activation === 'softmax') {
    const dot = builder.op('ReduceSum', [builder.mul(slope, probabilities), builder.ints([1])], { keepdims: 1 });
    gradient = builder.mul(probabilities, builder.sub(slope, dot));
  } else if (variant.activation === 'sigmoid') {
    // σ'(x) = σ(x)·σ(-x), without the cancellation of p·(1 - p) for large |x|.
    gradient = builder.mul(slope, builder.mul(probabilities, builder.op('Sigmoid', [builder.op('Neg', [logits])])));
  } else {
    gradient = slope;
  }
  if (variant.compound !== null && compoundScale !== null) {
    gradient = builder.add(gradient, builder.mul(compoundScale, compoundGradient(builder, variant, variant.compound, logits, probabilities, softmaxLog, target, weight, rank)));
  }
  if (variant.layout === 'channels-last') gradient = builder.op('Transpose', [gradient], { perm: toChannelsLast(rank) });
  if (variant.predictionType !== 'float32') gradient = builder.cast(gradient, OnnxDataType[onnxTypeOf(variant.predictionType)]);
  builder.output(gradient, 'gradient', onnxTypeOf(variant.predictionType), inputDims(variant), 'd loss / d input');
}

/**
 * `Σ`-free part of the cross-entropy / focal gradient with respect to the logits (times ω), before
 * the scale: sigmoid `ω·(a₁ t q^γ (γ p log p - q) + a₀ (1-t) p^γ (p - γ q log q))`, softmax
 * `ω·(F_c - p_c Σ_j F_j)` with `F_c = a_c t_c q_c^γ (γ p_c log p_c / q_c - 1)` (ratio -1 at q = 0).
 */
function compoundGradient(
  builder: GraphBuilder,
  variant: GradientVariant,
  compound: CompoundSettings,
  logits: string,
  probabilities: string,
  softmaxLog: string | null,
  target: string,
  weight: string | null,
  rank: number,
): string {
  const gamma = compound.kind === 'focal' ? compound.focalGamma : 0;
  const one = builder.scalar(1);
  const perChannel = (values: readonly number[]) => builder.constant('float', [1, values.length, ...new Array<number>(rank - 2).fill(1)], values);
  const pow = (base: string) => (gamma === 0 ? null : gamma === 1 ? base : builder.op('Pow', [base, builder.scalar(gamma)]));
  if (variant.activation === 'softmax') {
    const complement = builder.op('Relu', [builder.sub(one, probabilities)]);
    let factor: string;
    if (gamma === 0) {
      factor = builder.op('Neg', [target]);
    } else {
      const logProbabilities = softmaxLog as string;
      const positive = builder.op('Greater', [complement, builder.scalar(0)]);
      const safeComplement = builder.op('Where', [positive, complement, one]);
      const ratio = builder.op('Where', [positive, builder.div(builder.mul(probabilities, logProbabilities), safeComplement), builder.scalar(-1)]);
      const focal = builder.mul(complementPower(builder, probabilities, gamma) as string, builder.sub(builder.mul(builder.scalar(gamma), ratio), one));
      factor = builder.mul(target, focal);
    }
    if (Array.isArray(compound.focalAlpha)) factor = builder.mul(factor, perChannel(compound.focalAlpha));
    const classWeighted = compound.classWeights === null ? target : builder.mul(target, perChannel(compound.classWeights));
    let omega = builder.op('ReduceSum', [classWeighted, builder.ints([1])], { keepdims: 1 });
    if (weight !== null) omega = builder.mul(omega, weight);
    const total = builder.op('ReduceSum', [factor, builder.ints([1])], { keepdims: 1 });
    return builder.mul(omega, builder.sub(factor, builder.mul(probabilities, total)));
  }
  const complement = builder.op('Sigmoid', [builder.op('Neg', [logits])]);
  const alpha = typeof compound.focalAlpha === 'number' ? compound.focalAlpha : null;
  let positive: string;
  let negative: string;
  if (gamma === 0) {
    positive = builder.mul(target, builder.op('Neg', [complement]));
    negative = builder.mul(builder.sub(one, target), probabilities);
  } else {
    const logProbability = builder.op('Neg', [stableSoftplus(builder, builder.op('Neg', [logits]))]);
    const logComplement = builder.op('Neg', [stableSoftplus(builder, logits)]);
    const gammaValue = builder.scalar(gamma);
    positive = builder.mul(
      builder.mul(target, pow(complement) as string),
      builder.sub(builder.mul(gammaValue, builder.mul(probabilities, logProbability)), complement),
    );
    negative = builder.mul(
      builder.mul(builder.sub(one, target), pow(probabilities) as string),
      builder.sub(probabilities, builder.mul(gammaValue, builder.mul(complement, logComplement))),
    );
  }
  if (alpha !== null) {
    positive = builder.mul(positive, builder.scalar(alpha));
    negative = builder.mul(negative, builder.scalar(1 - alpha));
  }
  let result = builder.add(positive, negative);
  if (compound.classWeights !== null) result = builder.mul(result, perChannel(compound.classWeights));
  if (weight !== null) result = builder.mul(result, weight);
  return result;
}
