import type { CompoundKind, ResolvedLossOptions } from '@dicekit/core';
import * as tf from '@tensorflow/tfjs-core';
import { sumPartials, voxelPartialSums } from '../internal/chunked-sums.js';
import type { HostReader } from '../internal/host-reader.js';
import { channelAxis, channelLogSoftmax, channelShape } from '../internal/working-tensors.js';

/** Slots of the compound term's queued sums `Σ ω ℓ` and `Σ ω`. */
export interface CompoundSlots {
  readonly weightedLoss: number;
  readonly totalWeight: number;
}

interface CompoundInputs {
  readonly kind: CompoundKind;
  readonly options: ResolvedLossOptions;
  readonly channels: number;
  readonly channelsFirst: boolean;
  readonly input: tf.Tensor;
  readonly target: tf.Tensor;
  readonly weight: tf.Tensor | null;
}

function perChannel(values: readonly number[], channels: number, channelsFirst: boolean): tf.Tensor {
  return tf.tensor(Float32Array.from(values), channelShape(1, channels, channelsFirst));
}

/** `ω`: softmax `m · Σ_c w_c t_c` per voxel; sigmoid `m · w_c` per element (null when all 1). */
function elementWeights(inputs: CompoundInputs): tf.Tensor | null {
  const { options, channels, channelsFirst, target, weight } = inputs;
  const classWeights = options.classWeights === null ? null : perChannel(options.classWeights, channels, channelsFirst);
  if (options.activation === 'softmax') {
    const weightedTarget = classWeights === null ? target : tf.mul(target, classWeights);
    const omega = tf.sum(weightedTarget, channelAxis(channelsFirst), true);
    return weight === null ? omega : tf.mul(omega, weight);
  }
  if (classWeights === null) return weight;
  return weight === null ? tf.mul(tf.onesLike(inputs.input), classWeights) : tf.mul(weight, classWeights);
}

/** `exp(γ · log v)`: the focal power, finite for `γ < 1` and 0 where `log v = -Infinity`. */
function focalPower(logValue: tf.Tensor, gamma: number): tf.Tensor | null {
  return gamma === 0 ? null : tf.exp(tf.mul(logValue, gamma));
}

function times(values: tf.Tensor, factor: tf.Tensor | null): tf.Tensor {
  return factor === null ? values : tf.mul(values, factor);
}

function sigmoidAlphas(options: ResolvedLossOptions): [number, number] {
  return typeof options.focalAlpha === 'number' ? [options.focalAlpha, 1 - options.focalAlpha] : [1, 1];
}

/**
 * Queues `Σ ω ℓ` and `Σ ω` of the cross-entropy or focal term (SPEC.md section 4) as chunked partial
 * sums; `log p` comes from the logits (log-softmax, log-sigmoid). Call inside `tf.tidy`.
 */
export function queueCompoundTerm(reader: HostReader, inputs: CompoundInputs): CompoundSlots {
  const { options, channels, channelsFirst, input, target } = inputs;
  const gamma = inputs.kind === 'focal' ? options.focalGamma : 0;
  const omega = elementWeights(inputs);
  let loss: tf.Tensor;
  if (options.activation === 'softmax') {
    const logP = channelLogSoftmax(input, channelsFirst);
    const focal = gamma === 0 ? null : focalPower(tf.log1p(tf.neg(tf.exp(logP))), gamma);
    const alpha = Array.isArray(options.focalAlpha) ? perChannel(options.focalAlpha as readonly number[], channels, channelsFirst) : null;
    const perChannelLoss = times(times(tf.mul(target, logP), focal), alpha);
    loss = tf.neg(tf.sum(perChannelLoss, channelAxis(channelsFirst), true));
  } else {
    const logP = tf.logSigmoid(input);
    const logQ = tf.logSigmoid(tf.neg(input));
    const [positiveAlpha, negativeAlpha] = sigmoidAlphas(options);
    const positive = tf.mul(times(tf.mul(target, logP), focalPower(logQ, gamma)), positiveAlpha);
    const negative = tf.mul(times(tf.mul(tf.sub(1, target), logQ), focalPower(logP, gamma)), negativeAlpha);
    loss = tf.neg(tf.add(positive, negative));
  }
  const weightedLoss = omega === null ? loss : tf.mul(loss, omega);
  const totalWeight = omega === null ? tf.onesLike(loss) : tf.mul(omega, tf.onesLike(loss));
  return {
    weightedLoss: reader.add(voxelPartialSums(weightedLoss as tf.Tensor, channelsFirst)),
    totalWeight: reader.add(voxelPartialSums(totalWeight as tf.Tensor, channelsFirst)),
  };
}

/** The host sums `Σ ω ℓ` and `Σ ω` (float64) of a queued compound term. */
export function readCompoundTerm(reader: HostReader, slots: CompoundSlots, channelsFirst: boolean): { weightedLoss: number; totalWeight: number } {
  const total = (slot: number) => sumPartials(reader.read(slot), reader.shape(slot), channelsFirst).reduce((sum, value) => sum + value, 0);
  return { weightedLoss: total(slots.weightedLoss), totalWeight: total(slots.totalWeight) };
}

/**
 * `factor · d(Σ ω ℓ)/d(input)` of the compound term (the reference formulas of core's `compoundTerm`):
 * softmax `ω (a t G - p Σ_c a t G)`, `G = q^γ (γ p log p / q - 1)`; sigmoid
 * `ω (a₁ t q^γ (γ p log p - q) + a₀ (1 - t) p^γ (p - γ q log q))`. Call inside `tf.tidy`.
 */
export function compoundGradient(inputs: CompoundInputs, factor: number): tf.Tensor {
  const { options, channels, channelsFirst, input, target } = inputs;
  const gamma = inputs.kind === 'focal' ? options.focalGamma : 0;
  const omega = elementWeights(inputs);
  let gradient: tf.Tensor;
  if (options.activation === 'softmax') {
    const logP = channelLogSoftmax(input, channelsFirst);
    const p = tf.exp(logP);
    let slope: tf.Tensor;
    if (gamma === 0) {
      slope = tf.neg(target);
    } else {
      const q = tf.sub(1, p);
      const ratio = tf.where(tf.greater(q, 0), tf.div(tf.mul(p, logP), tf.maximum(q, 1e-30)), tf.fill(q.shape, -1));
      const power = tf.exp(tf.mul(tf.log(q), gamma));
      slope = tf.mul(target, tf.mul(power, tf.sub(tf.mul(ratio, gamma), 1)));
    }
    if (Array.isArray(options.focalAlpha)) slope = tf.mul(slope, perChannel(options.focalAlpha as readonly number[], channels, channelsFirst));
    const total = tf.sum(slope, channelAxis(channelsFirst), true);
    gradient = tf.sub(slope, tf.mul(p, total));
  } else {
    const logP = tf.logSigmoid(input);
    const logQ = tf.logSigmoid(tf.neg(input));
    const p = tf.sigmoid(input);
    const q = tf.sigmoid(tf.neg(input));
    const [positiveAlpha, negativeAlpha] = sigmoidAlphas(options);
    const positive = times(tf.mul(target, tf.sub(tf.mul(tf.mul(p, logP), gamma), q)), focalPower(logQ, gamma));
    const negative = times(tf.mul(tf.sub(1, target), tf.sub(p, tf.mul(tf.mul(q, logQ), gamma))), focalPower(logP, gamma));
    gradient = tf.add(tf.mul(positive, positiveAlpha), tf.mul(negative, negativeAlpha));
  }
  const weighted = omega === null ? gradient : tf.mul(gradient, omega);
  return tf.mul(weighted, factor);
}
