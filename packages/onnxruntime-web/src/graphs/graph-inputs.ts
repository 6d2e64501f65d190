import type { GraphBuilder } from '../onnx/graph-builder.js';
import { OnnxDataType, type Dimension, type OnnxDataTypeName } from '../onnx/onnx-model.js';
import type { InputVariant, PredictionType, ReductionPlan, TargetType } from './graph-variant.js';

/** ONNX element type of a prediction or target type. */
export function onnxTypeOf(type: PredictionType | TargetType): OnnxDataTypeName {
  return type === 'float32' ? 'float' : type;
}

/** Symbolic dims of the input in its layout: `[N, C, D1..Dk]` or `[N, D1..Dk, C]`. */
export function inputDims(variant: InputVariant): Dimension[] {
  const spatial = Array.from({ length: variant.spatialRank }, (_, axis) => `D${axis + 1}`);
  return variant.layout === 'channels-first' ? ['N', 'C', ...spatial] : ['N', ...spatial, 'C'];
}

/** The graph's view of the inputs, channels-first and float32: `[N, C, D1..Dk]`, per-voxel `[N, 1, D1..Dk]`. */
export interface CanonicalInputs {
  /** Raw input (logits or probabilities), float32, channels-first. */
  readonly logits: string;
  /** Dense target `[N, C, ...]` float32 (a one-hot comparison for label maps; the label itself for C == 1). */
  readonly target: string;
  /** Per-voxel weight `[N, 1, ...]` (mask times the ignoreIndex test), or null when every weight is 1. */
  readonly weight: string | null;
  /** The mask reshaped to `[N, 1, ...]`, or null without a mask. */
  readonly mask: string | null;
  /** `[N, 1, ...]` class indices as float32, for label maps. */
  readonly labels: string | null;
  /** Channel indices `[1, C, 1, ..., 1]` as float32. */
  readonly channelIndices: string;
  /** Rank of the channels-first view. */
  readonly rank: number;
}

/** Permutation taking channels-last `[N, D1..Dk, C]` to channels-first `[N, C, D1..Dk]`. */
export function toChannelsFirst(rank: number): number[] {
  return [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, axis) => axis + 1)];
}

/** Inverse of {@link toChannelsFirst}. */
export function toChannelsLast(rank: number): number[] {
  return [0, ...Array.from({ length: rank - 2 }, (_, axis) => axis + 2), 1];
}

/**
 * Declares the graph inputs `input`, `target` and (optionally) `mask`, and builds their canonical
 * float32 channels-first views. Label maps and masks may come as `[N, ...spatial]` or with a size-1
 * channel axis; both are reshaped to `[N, 1, ...spatial]`.
 */
export function declareInputs(builder: GraphBuilder, variant: InputVariant): CanonicalInputs {
  const rank = variant.spatialRank + 2;
  const dims = inputDims(variant);
  const rawInput = builder.input('input', onnxTypeOf(variant.predictionType), dims, 'predictions (logits unless activation is none)');
  const labelsMode = variant.targetFormat === 'labels';
  const rawTarget = builder.input(
    'target',
    onnxTypeOf(variant.targetType),
    labelsMode ? null : dims,
    labelsMode ? 'label map [N, ...spatial] or [N, 1, ...spatial]' : 'dense target, same shape as input',
  );
  const rawMask = variant.hasMask ? builder.input('mask', 'float', null, 'per-voxel weights [N, ...spatial] or with a size-1 channel axis') : null;

  const asFloat = (value: string, type: PredictionType | TargetType) => (type === 'float32' ? value : builder.cast(value, OnnxDataType.float));
  const channelsFirst = (value: string) =>
    variant.layout === 'channels-first' ? value : builder.op('Transpose', [value], { perm: toChannelsFirst(rank) });

  const logits = channelsFirst(asFloat(rawInput, variant.predictionType));
  const shape = builder.op('Shape', [logits]);
  // [N, 1, D1..Dk] for per-voxel tensors, from the input's own shape (every size stays symbolic).
  const voxelShape = builder.op(
    'Concat',
    [builder.op('Slice', [shape, builder.ints([0]), builder.ints([1])]), builder.ints([1]), builder.op('Slice', [shape, builder.ints([2]), builder.ints([rank])])],
    { axis: 0 },
  );
  const channelCount = builder.op('Slice', [shape, builder.ints([1]), builder.ints([2])]);
  const channelRange = builder.op('Range', [builder.scalar(0), builder.op('Squeeze', [builder.cast(channelCount, OnnxDataType.float)]), builder.scalar(1)]);
  const channelIndices = builder.op('Reshape', [channelRange, builder.ints([1, -1, ...new Array<number>(rank - 2).fill(1)])]);

  let labels: string | null = null;
  let target: string;
  let weight: string | null = null;
  if (labelsMode) {
    labels = builder.op('Reshape', [builder.cast(rawTarget, OnnxDataType.float), voxelShape]);
    target = variant.singleChannelLabels ? labels : builder.cast(builder.op('Equal', [labels, channelIndices]), OnnxDataType.float);
    if (variant.ignoreIndex !== null) {
      const kept = builder.cast(builder.op('Not', [builder.op('Equal', [labels, builder.scalar(variant.ignoreIndex)])]), OnnxDataType.float);
      weight = kept;
      // An ignored voxel's label may be any integer (255): zero it so no product sees it.
      if (variant.singleChannelLabels) target = builder.mul(labels, kept);
    }
  } else {
    target = channelsFirst(asFloat(rawTarget, variant.targetType));
  }
  let mask: string | null = null;
  if (rawMask !== null) {
    mask = builder.op('Reshape', [rawMask, voxelShape]);
    weight = weight === null ? mask : builder.mul(weight, mask);
  }
  return { logits, target, weight, mask, labels, channelIndices, rank };
}

/**
 * Sums a channels-first tensor `[N, K, D1..Dk]` over its voxels accurately: float32 partial sums of
 * at most a few thousand values, then a float64 sum of the partial sums. Returns `[N, K]` float64.
 */
export function reduceVoxels(builder: GraphBuilder, value: string, rank: number, plan: ReductionPlan): string {
  const spatialRank = rank - 2;
  if (plan.kind === 'trailing') {
    const axes = Array.from({ length: plan.axes }, (_, index) => rank - plan.axes + index);
    const partial = builder.op('ReduceSum', [value, builder.ints(axes)], { keepdims: 0 });
    if (plan.axes === spatialRank) return builder.cast(partial, OnnxDataType.double);
    const flat = builder.op('Reshape', [partial, builder.ints([0, 0, -1])]);
    return builder.op('ReduceSum', [builder.cast(flat, OnnxDataType.double), builder.ints([2])], { keepdims: 0 });
  }
  if (plan.kind === 'pooled') {
    // [N, K, ...] -> [1, N*K*V/chunk, chunk]: every row is one chunk of one (n, k) pair.
    const rows = builder.op('Reshape', [value, builder.ints([1, -1, plan.chunk])]);
    const averages = builder.cast(builder.op('GlobalAveragePool', [rows]), OnnxDataType.double);
    const pairShape = builder.op('Concat', [builder.op('Slice', [builder.op('Shape', [value]), builder.ints([0]), builder.ints([2])]), builder.ints([-1])], { axis: 0 });
    const perPair = builder.op('ReduceSum', [builder.op('Reshape', [averages, pairShape]), builder.ints([2])], { keepdims: 0 });
    // average * chunk is the float32 chunk sum exactly: the chunk is a power of two.
    return builder.mul(perPair, builder.scalar(plan.chunk, 'double'));
  }
  const chunk = plan.chunk;
  const flat = builder.op('Reshape', [value, builder.ints([0, 0, -1])]);
  const length = builder.op('Slice', [builder.op('Shape', [flat]), builder.ints([2]), builder.ints([3])]);
  const chunkSize = builder.ints([chunk]);
  const padding = builder.op('Mod', [builder.sub(chunkSize, builder.op('Mod', [length, chunkSize])), chunkSize]);
  const pads = builder.op('Concat', [builder.ints([0, 0, 0, 0, 0]), padding], { axis: 0 });
  const padded = builder.op('Pad', [flat, pads, builder.scalar(0)], { mode: 'constant' });
  const chunks = builder.op('Reshape', [padded, builder.ints([0, 0, -1, chunk])]);
  const partial = builder.op('ReduceSum', [chunks, builder.ints([3])], { keepdims: 0 });
  return builder.op('ReduceSum', [builder.cast(partial, OnnxDataType.double), builder.ints([2])], { keepdims: 0 });
}

/** Numerically stable `softplus(z) = log(1 + e^z) = max(z, 0) + log(1 + e^{-|z|})`. */
export function stableSoftplus(builder: GraphBuilder, value: string): string {
  const tail = builder.op('Log', [builder.add(builder.scalar(1), builder.op('Exp', [builder.op('Neg', [builder.op('Abs', [value])])]))]);
  return builder.add(builder.op('Relu', [value]), tail);
}

/**
 * Softmax over the channel axis written out, `e^{x - max_c x} / Σ_c e^{x - max_c x}`: on onnxruntime's
 * CPU kernels this is several times faster than the Softmax op over axis 1 (which transposes).
 */
export function softmaxProbabilities(builder: GraphBuilder, logits: string): string {
  const maximum = builder.op('ReduceMax', [logits], { axes: [1], keepdims: 1 });
  const exponentials = builder.op('Exp', [builder.sub(logits, maximum)]);
  return builder.div(exponentials, builder.op('ReduceSum', [exponentials, builder.ints([1])], { keepdims: 1 }));
}

/**
 * Softmax over the channel axis and its exact log, from the logits: `s = x - max_c x`,
 * `log p = s - log Σ_c e^s`, `p = e^{log p}`. Written out rather than as Softmax + LogSoftmax because
 * onnxruntime-web's WebGPU EP returned wrong LogSoftmax values when both ran on one input (1.30.0).
 */
export function softmaxWithLog(builder: GraphBuilder, logits: string): { probabilities: string; logProbabilities: string } {
  const maximum = builder.op('ReduceMax', [logits], { axes: [1], keepdims: 1 });
  const shifted = builder.sub(logits, maximum);
  const logSum = builder.op('Log', [builder.op('ReduceSum', [builder.op('Exp', [shifted]), builder.ints([1])], { keepdims: 1 })]);
  const logProbabilities = builder.sub(shifted, logSum);
  return { probabilities: builder.op('Exp', [logProbabilities]), logProbabilities };
}
