import type { ResolvedLossOptions } from '@dicekit/core';
import type { GraphBuilder } from '../onnx/graph-builder.js';
import { OnnxDataType, type GraphSpec } from '../onnx/onnx-model.js';
import { addGradientNodes, type CoefficientName } from './gradient-graph.js';
import type { CanonicalInputs } from './graph-inputs.js';
import { buildStatisticsGraph, type StatisticsVariant } from './statistics-graph.js';

const LN2 = Math.LN2;

/** The statistics variant plus the resolved options whose formulas are written into the graph. */
export interface LossGraphVariant extends StatisticsVariant {
  readonly options: Omit<ResolvedLossOptions, 'mask'>;
  /** Also output `gradient` (d loss / d input), computed inside the graph. */
  readonly withGradient?: boolean;
}

/** The channels entering the Dice terms, as a selection on the channel axis of `[R, C]` tensors. */
type ClassSelection = { readonly kind: 'all' } | { readonly kind: 'fromOne' } | { readonly kind: 'list'; readonly channels: readonly number[] };

function classSelection(options: LossGraphVariant['options']): ClassSelection {
  if (options.classes === null) return options.includeBackground ? { kind: 'all' } : { kind: 'fromOne' };
  const channels = options.includeBackground ? [...options.classes] : options.classes.filter((channel) => channel !== 0);
  return { kind: 'list', channels };
}

function select(builder: GraphBuilder, value: string, selection: ClassSelection): string {
  if (selection.kind === 'all') return value;
  if (selection.kind === 'fromOne') return builder.op('Slice', [value, builder.ints([1]), builder.ints([2 ** 31 - 1]), builder.ints([1])]);
  return builder.op('Gather', [value, builder.ints(selection.channels)], { axis: 1 });
}

/**
 * The whole loss as ONE ONNX graph, for use outside JavaScript (Python onnxruntime, C++): the
 * statistics graph, then the per-pair formulas of SPEC.md section 4 in float64 on the `[N, C]`
 * statistics (soft-label intersection, batchDice pooling, class selection, smoothing, eps, the
 * zero-denominator rule, logLoss, absentClasses, classWeights, generalized Dice weights with their
 * absent-class replacement, log-cosh, focal Tversky), the reduction, and for compound losses the
 * cross-entropy / focal term. Outputs: `loss` (float64, `[]` or the matrix for `'none'`), `lossMatrix`
 * (the per-pair matrix after weights, before the reduction), and the statistics outputs.
 */
export function buildLossGraph(variant: LossGraphVariant): GraphSpec {
  return buildStatisticsGraph(variant, (builder, context) => addLossNodes(builder, variant, context));
}

type LossContext = Pick<CanonicalInputs, 'logits' | 'target' | 'weight' | 'rank'>;

/** Per-pair partial derivatives of the (weighted) pair losses, `[R, C']` float64 each. */
interface Partials {
  readonly intersection: string;
  readonly prediction: string;
  readonly target: string;
}

function addLossNodes(builder: GraphBuilder, variant: LossGraphVariant, context: LossContext): void {
  const options = variant.options;
  const double = (value: number) => builder.scalar(value, 'double');
  const zero = double(0);
  const one = double(1);
  let intersection = 'intersection';
  const prediction = 'predictionSum';
  const target = 'targetSum';
  if (variant.kind.absoluteDifference) {
    intersection = builder.mul(builder.sub(builder.add(prediction, target), 'absoluteDifference'), double(0.5));
  }
  const pool = (value: string) => (options.batchDice ? builder.op('ReduceSum', [value, builder.ints([0])], { keepdims: 1 }) : value);
  const selection = classSelection(options);
  const pooledTarget = pool(target);
  const I = select(builder, pool(intersection), selection);
  const P = select(builder, pool(prediction), selection);
  const T = select(builder, pooledTarget, selection);
  const sN = double(options.smoothNumerator);
  const sD = double(options.smoothDenominator);
  const eps = double(options.eps);
  const gradient = variant.withGradient === true;

  /**
   * `s = n / max(d, eps)` with n, d affine in (I, P, T) (coefficients given), a flag where
   * `max(d, eps) = 0` (a perfect pair: loss 0, zero gradient), and the partials of s.
   */
  const ratio = (numerator: string, denominator: string, numeratorCoefficients: readonly number[], denominatorCoefficients: readonly number[]) => {
    const used = builder.op('Max', [denominator, eps]);
    const empty = builder.op('Equal', [used, zero]);
    const safe = builder.op('Where', [empty, one, used]);
    const score = builder.div(numerator, safe);
    let partials: Partials | null = null;
    if (gradient) {
      const live = builder.cast(builder.op('GreaterOrEqual', [denominator, eps]), OnnxDataType.double);
      const quotient = builder.div(builder.mul(live, numerator), builder.mul(safe, safe));
      const partial = (index: number) =>
        builder.sub(builder.div(double(numeratorCoefficients[index] as number), safe), builder.mul(quotient, double(denominatorCoefficients[index] as number)));
      partials = { intersection: partial(0), prediction: partial(1), target: partial(2) };
    }
    return { score, empty, partials };
  };
  const scaleP = (partials: Partials, slope: string): Partials => ({
    intersection: builder.mul(slope, partials.intersection),
    prediction: builder.mul(slope, partials.prediction),
    target: builder.mul(slope, partials.target),
  });

  let matrix: string;
  let partials: Partials | null = null;
  if (options.loss === 'generalizedDice') {
    const power = options.weightType === 'square' ? builder.mul(T, T) : T;
    const raw = options.weightType === 'uniform' ? builder.op('Add', [builder.mul(T, zero), one]) : builder.div(one, power);
    const infinite = builder.op('IsInf', [raw]);
    const finiteOnly = builder.op('Where', [infinite, double(-1), raw]);
    const largest = builder.op('ReduceMax', [finiteOnly], { axes: [1], keepdims: 1 });
    const replacement = builder.op('Where', [builder.op('Less', [largest, zero]), one, largest]);
    const weights = builder.op('Where', [infinite, replacement, raw]);
    const numerator = builder.add(sN, builder.op('ReduceSum', [builder.mul(builder.mul(double(2), weights), I), builder.ints([1])], { keepdims: 1 }));
    const denominator = builder.add(sD, builder.op('ReduceSum', [builder.mul(weights, builder.add(P, T)), builder.ints([1])], { keepdims: 1 }));
    const { score, empty } = ratio(numerator, denominator, [0, 0, 0], [0, 0, 0]);
    matrix = builder.op('Squeeze', [builder.op('Where', [empty, zero, builder.sub(one, score)]), builder.ints([1])]);
    if (gradient) {
      // Weights are constants (SPEC.md section 4): dL/dI_c = -2 w_c / d, dL/dP_c = dL/dT_c = q w_c.
      const used = builder.op('Where', [empty, one, builder.op('Max', [denominator, eps])]);
      const live = builder.cast(builder.op('And', [builder.op('GreaterOrEqual', [denominator, eps]), builder.op('Not', [empty])]), OnnxDataType.double);
      const quotient = builder.div(builder.mul(live, numerator), builder.mul(used, used));
      const alive = builder.cast(builder.op('Not', [empty]), OnnxDataType.double);
      partials = {
        intersection: builder.mul(alive, builder.div(builder.mul(double(-2), weights), used)),
        prediction: builder.mul(quotient, weights),
        target: builder.mul(quotient, weights),
      };
    }
  } else {
    let numerator: string;
    let denominator: string;
    let numeratorCoefficients: number[];
    let denominatorCoefficients: number[];
    if (options.loss === 'jaccard') {
      numerator = builder.add(I, sN);
      denominator = builder.add(builder.sub(builder.add(P, T), I), sD);
      [numeratorCoefficients, denominatorCoefficients] = [[1, 0, 0], [-1, 1, 1]];
    } else if (options.loss === 'tversky') {
      numerator = builder.add(I, sN);
      const mixing = 1 - options.alpha - options.beta;
      const mixed = builder.add(builder.add(builder.mul(double(mixing), I), builder.mul(double(options.alpha), P)), builder.mul(double(options.beta), T));
      denominator = builder.add(mixed, sD);
      [numeratorCoefficients, denominatorCoefficients] = [[1, 0, 0], [mixing, options.alpha, options.beta]];
    } else {
      numerator = builder.add(builder.mul(double(2), I), sN);
      denominator = builder.add(builder.add(P, T), sD);
      [numeratorCoefficients, denominatorCoefficients] = [[2, 0, 0], [0, 1, 1]];
    }
    const { score, empty, partials: scorePartials } = ratio(numerator, denominator, numeratorCoefficients, denominatorCoefficients);
    let value: string;
    let slope: string;
    if (options.loss === 'logCoshDice') {
      // log(cosh(x)) = |x| + log(1 + e^{-2|x|}) - log 2, without overflow; d/dx = tanh(x).
      const diceLoss = builder.sub(one, score);
      const magnitude = builder.op('Abs', [diceLoss]);
      const tail = builder.op('Log', [builder.add(one, builder.op('Exp', [builder.mul(double(-2), magnitude)]))]);
      value = builder.sub(builder.add(magnitude, tail), double(LN2));
      slope = builder.op('Neg', [builder.op('Tanh', [diceLoss])]);
    } else if (options.loss === 'tversky' && !options.logLoss) {
      const base = builder.op('Relu', [builder.sub(one, score)]);
      value = options.gamma === 1 ? base : builder.op('Pow', [base, double(options.gamma)]);
      const positive = builder.cast(builder.op('Greater', [base, zero]), OnnxDataType.double);
      slope =
        options.gamma === 1
          ? builder.op('Neg', [positive])
          : builder.mul(positive, builder.mul(double(-options.gamma), builder.op('Pow', [builder.op('Where', [builder.op('Greater', [base, zero]), base, one]), double(options.gamma - 1)])));
    } else if (options.logLoss) {
      const floor = double(options.eps > 0 ? options.eps : 1e-12);
      value = builder.op('Neg', [builder.op('Log', [builder.op('Max', [score, floor])])]);
      const above = builder.op('Greater', [score, floor]);
      slope = builder.op('Where', [above, builder.op('Neg', [builder.div(one, builder.op('Where', [above, score, one]))]), zero]);
    } else {
      value = builder.sub(one, score);
      slope = double(-1);
    }
    let keep = builder.cast(builder.op('Not', [empty]), OnnxDataType.double);
    if (options.absentClasses === 'zero') keep = builder.mul(keep, builder.cast(builder.op('Not', [builder.op('Equal', [T, zero])]), OnnxDataType.double));
    if (options.classWeights !== null) keep = builder.mul(keep, select(builder, builder.constant('double', [1, options.classWeights.length], options.classWeights), selection));
    // Where (not a product) for the value: an empty pair's score is a placeholder, never a loss.
    value = builder.mul(builder.op('Where', [empty, zero, value]), keep);
    if (scorePartials !== null) partials = scaleP(scorePartials, builder.mul(slope, keep));
    matrix = value;
  }

  const scale = variant.compound === null ? 1 : options.lambdaDice;
  let reduced: string;
  let upstream: string = double(scale);
  if (options.reduction === 'none') {
    reduced = options.batchDice && options.loss !== 'generalizedDice' ? builder.op('Squeeze', [matrix, builder.ints([0])]) : matrix;
  } else {
    const flat = builder.op('Reshape', [matrix, builder.ints([-1])]);
    // Opset 17: ReduceSum takes its axes as an input, ReduceMean still as an attribute.
    reduced =
      options.reduction === 'mean'
        ? builder.op('ReduceMean', [flat], { axes: [0], keepdims: 0 })
        : builder.op('ReduceSum', [flat, builder.ints([0])], { keepdims: 0 });
    if (options.reduction === 'mean') upstream = builder.div(upstream, builder.cast(builder.op('Size', [matrix]), OnnxDataType.double));
  }
  if (scale !== 1) reduced = builder.mul(reduced, double(scale));
  const compound = variant.compound === null ? null : compoundTerm(builder, variant, context);
  if (compound !== null) reduced = builder.add(reduced, compound.value);
  builder.output(reduced, 'loss', 'double', null, "the reduced loss ([] for 'mean'/'sum'; the matrix for 'none')");
  builder.output(matrix, 'lossMatrix', 'double', null, 'per-pair losses after classWeights, before the reduction');

  if (partials !== null) {
    // Back to every (n, c): zero for dropped classes, the pooled partial for every sample with batchDice.
    const spread = (value: string) => {
      const full = unselect(builder, builder.mul(upstream, value), selection, pooledTarget);
      return builder.cast(builder.add(builder.mul('targetSum', zero), full), OnnxDataType.float);
    };
    const dIntersection = spread(partials.intersection);
    const dPrediction = spread(partials.prediction);
    const coefficients: Partial<Record<CoefficientName, string>> = {};
    if (variant.kind.squared) {
      coefficients.targetCoefficient = dIntersection;
      coefficients.predictionCoefficient = builder.mul(builder.scalar(2), dPrediction);
    } else if (variant.kind.absoluteDifference) {
      const half = builder.mul(builder.scalar(0.5), dIntersection);
      coefficients.constantCoefficient = builder.add(dPrediction, half);
      coefficients.signCoefficient = builder.op('Neg', [half]);
    } else {
      coefficients.constantCoefficient = dPrediction;
      coefficients.targetCoefficient = dIntersection;
    }
    addGradientNodes(builder, variant, context, coefficients, compound === null ? null : builder.cast(compound.scale, OnnxDataType.float));
  }
}

/** Inverse of {@link select}: `[R, C']` partials back to `[R, C]` with zeros for the dropped channels. */
function unselect(builder: GraphBuilder, value: string, selection: ClassSelection, like: string): string {
  if (selection.kind === 'all') return value;
  if (selection.kind === 'fromOne') return builder.op('Pad', [value, builder.ints([0, 1, 0, 0]), builder.scalar(0, 'double')], { mode: 'constant' });
  const rows = builder.op('Slice', [builder.op('Shape', [like]), builder.ints([0]), builder.ints([1])]);
  const indices = builder.op('Expand', [builder.constant('int64', [1, selection.channels.length], selection.channels), builder.op('Concat', [rows, builder.ints([selection.channels.length])], { axis: 0 })]);
  return builder.op('ScatterElements', [builder.mul(like, builder.scalar(0, 'double')), indices, value], { axis: 1 });
}

/**
 * `λ · Σωℓ / Σω` ('mean') or `λ · Σωℓ` ('sum'), 0 where Σω = 0 (SPEC.md section 4), and its scale
 * `λ / Σω` (or λ) for the gradient.
 */
function compoundTerm(builder: GraphBuilder, variant: LossGraphVariant, context: LossContext): { value: string; scale: string } {
  const options = variant.options;
  const compound = variant.compound!;
  const double = (value: number) => builder.scalar(value, 'double');
  const total = (value: string) => builder.op('ReduceSum', [builder.op('Reshape', [value, builder.ints([-1])]), builder.ints([0])], { keepdims: 0 });
  let weightedSum: string;
  let totalWeight: string;
  if (variant.activation === 'softmax') {
    weightedSum = total('compoundLoss');
    totalWeight = total('compoundWeight');
  } else {
    const classWeights = compound.classWeights;
    const perClass = classWeights === null ? 'compoundLoss' : builder.mul('compoundLoss', builder.constant('double', [1, classWeights.length], classWeights));
    weightedSum = total(perClass);
    const classWeightSum = classWeights === null
      ? builder.cast(builder.op('Slice', [builder.op('Shape', [context.logits]), builder.ints([1]), builder.ints([2])]), OnnxDataType.double)
      : double(classWeights.reduce((sum, weight) => sum + weight, 0));
    const maskSum = variant.hasMask || variant.ignoreIndex !== null
      ? total('compoundWeight')
      : builder.cast(builder.op('ReduceProd', [builder.op('Shape', [context.logits])], { keepdims: 0 }), OnnxDataType.double);
    // Without a mask the voxel count times N is the element count over C: divide the C back out.
    const elements = variant.hasMask || variant.ignoreIndex !== null
      ? maskSum
      : builder.div(maskSum, builder.cast(builder.op('Slice', [builder.op('Shape', [context.logits]), builder.ints([1]), builder.ints([2])]), OnnxDataType.double));
    totalWeight = builder.op('ReduceSum', [builder.mul(elements, classWeightSum)], { keepdims: 0 });
  }
  const lambda = compound.kind === 'crossEntropy' ? options.lambdaCE : options.lambdaFocal;
  const empty = builder.op('Equal', [totalWeight, double(0)]);
  const normaliser = options.reduction === 'mean' ? builder.op('Where', [empty, double(1), totalWeight]) : double(1);
  const scale = builder.op('Where', [empty, double(0), builder.div(double(lambda), normaliser)]);
  return { value: builder.mul(scale, weightedSum), scale };
}
