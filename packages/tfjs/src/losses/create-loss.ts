import {
  compoundKindOf,
  DiceKitError,
  diceTermFromStatistics,
  elementwiseCoefficients,
  prepareLoss,
  resolveLossOptions,
  type DiceTermResult,
  type LossName,
  type LossOptions,
  type PreparedLoss,
} from '@dicekit/core';
import * as tf from '@tensorflow/tfjs-core';
import { queueDataChecks } from '../internal/data-checks.js';
import { HostReader } from '../internal/host-reader.js';
import { scaledByUpstream } from '../internal/scaled-by-upstream.js';
import { shapeStandIn } from '../internal/shape-stand-in.js';
import { queueStatistics, readStatistics } from '../internal/tensor-statistics.js';
import { activate, channelAxis, channelShape, workingTensors } from '../internal/working-tensors.js';
import type { KernelChoice, LossConfig, LossFunction, TensorLossOptions } from '../types.js';
import { compoundGradient, queueCompoundTerm, readCompoundTerm } from './compound-tensor-term.js';
import { hostLossCall } from './host-loss-call.js';

/** What the forward pass leaves on the host for the backward pass (O(N·C) numbers). */
interface HostForward {
  readonly term: DiceTermResult;
  /** `lambda / normaliser` of the compound term, 0 when there is none or its weight sum is 0. */
  readonly compoundFactor: number;
}

function pairTensor(values: Float64Array, batch: number, channels: number, channelsFirst: boolean): tf.Tensor {
  return tf.tensor(Float32Array.from(values), channelShape(batch, channels, channelsFirst));
}

/**
 * `dL/dp = m (constant + target·t + prediction·p + sign·sgn(p - t))` per pair (core's
 * `elementwiseCoefficients`), then the activation's backward. Call inside `tf.tidy`.
 */
function diceGradient(
  prepared: PreparedLoss,
  term: DiceTermResult,
  input: tf.Tensor,
  probabilities: tf.Tensor,
  target: tf.Tensor,
  weight: tf.Tensor | null,
  channelsFirst: boolean,
): tf.Tensor {
  const { batch, channels } = prepared.geometry;
  const coefficients = elementwiseCoefficients(prepared.kind, term);
  const pairs = (values: Float64Array) => pairTensor(values, batch, channels, channelsFirst);
  let gradient: tf.Tensor;
  if (prepared.kind.squared) {
    gradient = tf.add(tf.mul(target, pairs(coefficients.target)), tf.mul(probabilities, pairs(coefficients.prediction)));
  } else if (prepared.kind.absoluteDifference) {
    gradient = tf.add(pairs(coefficients.constant), tf.mul(tf.sign(tf.sub(probabilities, target)), pairs(coefficients.sign)));
  } else {
    gradient = tf.add(pairs(coefficients.constant), tf.mul(target, pairs(coefficients.target)));
  }
  if (weight !== null) gradient = tf.mul(gradient, weight);
  const activation = prepared.options.activation;
  if (activation === 'softmax') {
    const dot = tf.sum(tf.mul(gradient, probabilities), channelAxis(channelsFirst), true);
    return tf.mul(probabilities, tf.sub(gradient, dot));
  }
  if (activation === 'sigmoid') {
    // σ'(x) = σ(x)·σ(-x): no cancellation in 1 - p for large logits.
    return tf.mul(gradient, tf.mul(probabilities, tf.sigmoid(tf.neg(input))));
  }
  // Broadcast to the full shape (a constant coefficient alone is [N, C, 1, 1]).
  return tf.add(gradient, tf.zerosLike(input));
}

/** tfjs backends whose tensors live in CPU memory: the host path reads them without a GPU sync. */
export const HOST_BACKENDS = new Set(['cpu', 'wasm']);

/** Whether a call runs the host path: `kernel: 'host'`, or `'auto'` on a backend of {@link HOST_BACKENDS}. Internal to the package. */
export function usesHostPath(kernel: KernelChoice): boolean {
  return kernel === 'host' || (kernel === 'auto' && HOST_BACKENDS.has(tf.getBackend()));
}

/**
 * The tf-op path (every backend; the only one on webgl/webgpu): the statistics with tf ops
 * (chunked partial sums read back in one transfer), the value and the derivatives with respect to
 * the statistics from core, and the gradient as one elementwise tf pass inside `tf.customGrad`.
 */
function tensorOpsLossCall(
  prepared: PreparedLoss,
  mask: tf.Tensor | null,
  checkData: boolean,
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
): tf.Scalar {
  const { options, geometry, classes, kind } = prepared;
  const compound = compoundKindOf(options.loss);
  const channelsFirst = geometry.layout === 'channels-first';
  const compoundInputs = (input: tf.Tensor, target: tf.Tensor, weight: tf.Tensor | null) => ({
    kind: compound ?? 'crossEntropy',
    options,
    channels: geometry.channels,
    channelsFirst,
    input,
    target,
    weight,
  });

  const withGradient = tf.customGrad(((prediction: tf.Tensor, save: tf.GradSaveFunc) => {
    const pending = queueTensorForward(prepared, mask, checkData, yTrue, prediction);
    let forward: HostForward & { readonly value: tf.Tensor };
    try {
      pending.reader.download();
      forward = finishTensorForward(prepared, pending);
    } catch (error) {
      tf.dispose(pending.saved);
      throw error;
    } finally {
      tf.dispose([...pending.reader.queued()]);
    }
    save(pending.saved);
    // The saved copies (when a tape records) are the engine's; these are ours.
    tf.dispose(pending.saved);
    return {
      value: forward.value as tf.Scalar,
      gradFunc: (upstream: tf.Tensor, saved: tf.Tensor[]) => {
        const reduced = upstream.rank === 0;
        const upstreamValues = reduced ? null : (upstream.dataSync() as Float32Array);
        return tf.tidy(() => {
          const gradient = tensorGradient(prepared, forward, upstreamValues, saved as SavedTensors);
          return tf.reshape(reduced ? tf.mul(gradient, upstream) : gradient, yPred.shape);
        });
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return withGradient(yPred) as tf.Scalar;
}

/** Tensors the tf-op backward pass needs: input, probabilities, dense target, voxel weight (or scalar 1). */
export type SavedTensors = [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];

/** A queued forward pass: the reader with its slots, and the tensors kept for the backward pass. */
interface PendingForward {
  /** The queued sums, kept alive until read; `releaseQueued` disposes them. */
  readonly reader: HostReader;
  readonly saved: SavedTensors;
  readonly verify: (() => void) | null;
  readonly slots: ReturnType<typeof queueStatistics>;
  readonly compoundSlots: ReturnType<typeof queueCompoundTerm> | null;
}

function compoundInputsOf(prepared: PreparedLoss, input: tf.Tensor, target: tf.Tensor, weight: tf.Tensor | null) {
  return {
    kind: compoundKindOf(prepared.options.loss) ?? ('crossEntropy' as const),
    options: prepared.options,
    channels: prepared.geometry.channels,
    channelsFirst: prepared.geometry.layout === 'channels-first',
    input,
    target,
    weight,
  };
}

/** Phase 1 of the tf-op forward: working tensors, activation, queued sums and checks. Internal to the package. */
export function queueTensorForward(prepared: PreparedLoss, mask: tf.Tensor | null, checkData: boolean, yTrue: tf.Tensor, prediction: tf.Tensor): PendingForward {
  const { options, geometry, kind } = prepared;
  const channelsFirst = geometry.layout === 'channels-first';
  const reader = new HostReader();
  let verify: (() => void) | null = null;
  let slots: ReturnType<typeof queueStatistics> | null = null;
  let compoundSlots: ReturnType<typeof queueCompoundTerm> | null = null;
  // The queued partial sums must outlive this tidy (they are read later): keep them explicitly.
  const saved = tf.tidy(() => {
    const working = workingTensors(options, geometry, prediction, yTrue, mask);
    const p = activate(options.activation, working.input, channelsFirst);
    verify = checkData ? queueDataChecks(reader, options, geometry, working) : null;
    slots = queueStatistics(reader, kind, p, working.target, working.weight, channelsFirst);
    compoundSlots = compoundKindOf(options.loss) === null ? null : queueCompoundTerm(reader, compoundInputsOf(prepared, working.input, working.target, working.weight));
    return [working.input, p, working.target, working.weight ?? tf.scalar(1), ...reader.queued()];
  });
  if (slots === null) throw new Error('unreachable: the statistics were not queued');
  return { reader, saved: saved.slice(0, 4) as SavedTensors, verify, slots, compoundSlots };
}

/** Phase 3: from the downloaded sums, the checks, the Dice term from core and the compound term. Internal to the package. */
export function finishTensorForward(prepared: PreparedLoss, pending: PendingForward): HostForward & { readonly value: tf.Tensor } {
  const { options, geometry, classes, kind } = prepared;
  const channelsFirst = geometry.layout === 'channels-first';
  const compound = compoundKindOf(options.loss);
  const reader = pending.reader;
  pending.verify?.();
  const statistics = readStatistics(reader, pending.slots, geometry.batch, geometry.channels, kind, channelsFirst);
  const term = diceTermFromStatistics(options, classes, statistics, compound === null ? 1 : options.lambdaDice);
  let valueData = term.value.data;
  let compoundFactor = 0;
  if (pending.compoundSlots !== null) {
    const lambda = compound === 'crossEntropy' ? options.lambdaCE : options.lambdaFocal;
    const sums = readCompoundTerm(reader, pending.compoundSlots, channelsFirst);
    if (sums.totalWeight !== 0) {
      const normaliser = options.reduction === 'mean' ? sums.totalWeight : 1;
      compoundFactor = lambda / normaliser;
      valueData = Float64Array.of((valueData[0] as number) + compoundFactor * sums.weightedLoss);
    }
  }
  return { term, compoundFactor, value: tf.tensor(Float32Array.from(valueData), term.value.shape, 'float32') };
}

/** Phase 4: the gradient with tf ops (call inside `tf.tidy`); `upstream` per entry for `'none'`, else null. Internal to the package. */
export function tensorGradient(prepared: PreparedLoss, forward: HostForward, upstream: Float32Array | null, saved: SavedTensors): tf.Tensor {
  const [savedInput, savedProbabilities, savedTarget, savedWeight] = saved;
  const voxelWeight = savedWeight.rank === 0 ? null : savedWeight;
  const channelsFirst = prepared.geometry.layout === 'channels-first';
  const term = upstream === null ? forward.term : scaledByUpstream(prepared, forward.term, upstream);
  let gradient = diceGradient(prepared, term, savedInput, savedProbabilities, savedTarget, voxelWeight, channelsFirst);
  if (compoundKindOf(prepared.options.loss) !== null && forward.compoundFactor !== 0) {
    gradient = tf.add(gradient, compoundGradient(compoundInputsOf(prepared, savedInput, savedTarget, voxelWeight), forward.compoundFactor));
  }
  return gradient;
}

/** What a loss function was created with (read by `lossValueAndGradient`). */
export interface LossInternals {
  readonly loss: LossName;
  readonly coreOptions: LossOptions;
  readonly mask: tf.Tensor | null;
  readonly checkData: boolean;
  readonly kernel: KernelChoice;
}

/** Key of the internals on a loss function (a symbol: not part of its JSON config). */
export const LOSS_INTERNALS: unique symbol = Symbol('dicekit.lossInternals');

/** Core's preparation of one call on shape stand-ins (options, shapes; data are checked later). */
export function prepareCall(internals: LossInternals, yTrue: tf.Tensor, yPred: tf.Tensor): PreparedLoss {
  const { loss, coreOptions, mask } = internals;
  return prepareLoss(
    loss,
    shapeStandIn(yPred.shape),
    shapeStandIn(yTrue.shape),
    { ...coreOptions, ...(mask === null ? {} : { mask: shapeStandIn(mask.shape) }) },
    { checkData: false },
  );
}

/** Picks the code path of one call (see `TensorSettings.kernel`). Internal to the package. */
export function lossCall(internals: LossInternals, yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  const { loss, coreOptions, mask, checkData, kernel } = internals;
  const prepared = prepareCall(internals, yTrue, yPred);
  return usesHostPath(kernel)
    ? hostLossCall(loss, coreOptions, prepared, mask, yTrue, yPred)
    : tensorOpsLossCall(prepared, mask, checkData, yTrue, yPred);
}

/**
 * Creates the tfjs loss `(yTrue, yPred) => tf.Scalar` of `loss` (SPEC.md section 4) with its options.
 *
 * - `yPred`: `[N, ...spatial, C]` (Keras, the default here) or `[N, C, ...spatial]` with
 *   `layout: 'channels-first'`; logits with `activation: 'sigmoid' | 'softmax'`.
 * - `yTrue`: the same shape (dense), or with `targetFormat: 'labels'` an int32 (or integer-valued
 *   float32) label map `[N, ...spatial]` or `[N, ...spatial, 1]`.
 * - Returns a scalar for `reduction: 'mean' | 'sum'`, the matrix `[N, C']` (`[C']` batchDice,
 *   `[N]`/`[1]` generalizedDice) for `'none'`; gradients flow to `yPred` only.
 *
 * Options are validated now (E_OPTION); shapes and data at each call (E_SHAPE, E_DTYPE, E_VALUE,
 * E_LABEL, E_NONFINITE). The returned function carries its `LossConfig` for `serializeLoss`.
 */
export function createLoss(loss: LossName, options: TensorLossOptions = {}): LossFunction {
  const { mask, checkData, kernel, ...rest } = options;
  const coreOptions: LossOptions = { layout: 'channels-last', ...rest };
  resolveLossOptions(loss, coreOptions);
  const choice = kernel ?? 'auto';
  if (choice !== 'auto' && choice !== 'host' && choice !== 'tf-ops') {
    throw new DiceKitError('E_OPTION', `option 'kernel' is ${JSON.stringify(kernel)}; expected 'auto', 'host' or 'tf-ops'`);
  }
  const config: LossConfig = {
    loss,
    options: { ...rest, layout: coreOptions.layout, ...(checkData === undefined ? {} : { checkData }), ...(kernel === undefined ? {} : { kernel }) },
  };
  const internals: LossInternals = { loss, coreOptions, mask: mask ?? null, checkData: checkData !== false, kernel: choice };
  const lossFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => lossCall(internals, yTrue, yPred);
  Object.defineProperty(lossFunction, LOSS_INTERNALS, { value: internals });
  Object.defineProperty(lossFunction, 'name', { value: `dicekit_${loss}` });
  Object.defineProperty(lossFunction, 'dicekit', { value: config, enumerable: true });
  return lossFunction as LossFunction;
}
