import { DiceKitError, type Geometry, type ResolvedCommonOptions } from '@dicekit/core';
import * as tf from '@tensorflow/tfjs-core';
import { voxelSplit } from './voxel-split.js';

/**
 * The tensors of one loss or metric call in a 4D working layout: `[N, C, R, S]` (channels-first) or
 * `[N, R, S, C]` (channels-last), the V voxels split into `R × S` by `voxelSplit` (reshapes only, no
 * copies; two voxel axes keep every coordinate below webgl's 2^24 float limit). Per-voxel tensors
 * are `[N, 1, R, S]` or `[N, R, S, 1]` so they broadcast over channels; per-pair tensors are
 * `[N, C, 1, 1]` or `[N, 1, 1, C]`.
 */
export interface WorkingTensors {
  readonly channelsFirst: boolean;
  /** The raw input (logits or probabilities), float32. */
  readonly input: tf.Tensor;
  /** The dense target as float32 (label maps expanded to their 0/1 indicator; C == 1: the label). */
  readonly target: tf.Tensor;
  /** Voxel weights (mask times `label != ignoreIndex`), or null when every weight is 1. */
  readonly weight: tf.Tensor | null;
  /** The label map `[N, R, S]` as given (int32 or float32), or null for dense targets. */
  readonly labels: tf.Tensor | null;
  /** The mask `[N, R, S]` as given, or null. */
  readonly mask: tf.Tensor | null;
}

/**
 * `tensor` as float32 in a float32 device buffer. On webgpu, `tf.cast` from int32/bool to float32
 * only relabels the int32 buffer, and tfjs-backend-webgpu 4.22's rank >= 3 transpose (also run by
 * every reduction over a non-last axis) reads that buffer without converting it: its shader fails to
 * compile (Chromium >= 141: "expected 'f32', got 'i32'"), tfjs raises nothing and the result is
 * garbage or zeros (tensorflow/tfjs#8638). One elementwise op there writes a real float32 buffer;
 * other backends convert in the cast itself.
 */
export function materialisedFloat(tensor: tf.Tensor): tf.Tensor {
  if (tensor.dtype === 'float32') return tensor;
  const cast = tf.cast(tensor, 'float32');
  return tf.getBackend() === 'webgpu' ? tf.add(cast, tf.scalar(0, 'float32')) : cast;
}

function checkDtype(name: string, tensor: tf.Tensor, allowed: readonly tf.DataType[]): void {
  if (!allowed.includes(tensor.dtype)) {
    throw new DiceKitError('E_DTYPE', `${name} has dtype '${tensor.dtype}'; expected ${allowed.map((dtype) => `'${dtype}'`).join(' or ')}`);
  }
}

/** The channel axis of a working tensor: 1 (channels-first) or 3 (channels-last). */
export function channelAxis(channelsFirst: boolean): 1 | 3 {
  return channelsFirst ? 1 : 3;
}

/** The shape of a per-channel (or per-pair, `leading` = N) tensor that broadcasts against a working tensor. */
export function channelShape(leading: number, channels: number, channelsFirst: boolean): [number, number, number, number] {
  return channelsFirst ? [leading, channels, 1, 1] : [leading, 1, 1, channels];
}

/**
 * Builds the working tensors (call inside `tf.tidy`). Shapes were already checked by core on shape
 * stand-ins. Label maps may be int32 or float32 holding integers (Keras feeds float32 targets);
 * their indicator is `label == c` computed on the fly, `[N, C, R, S]`/`[N, R, S, C]`, freed by the caller's tidy.
 */
export function workingTensors(
  options: ResolvedCommonOptions,
  geometry: Geometry,
  input: tf.Tensor,
  target: tf.Tensor,
  mask: tf.Tensor | null,
): WorkingTensors {
  checkDtype('input', input, ['float32', 'int32']);
  const channelsFirst = geometry.layout === 'channels-first';
  const { batch, channels, voxels } = geometry;
  const { rows, size } = voxelSplit(voxels);
  const workingShape = channelsFirst ? [batch, channels, rows, size] : [batch, rows, size, channels];
  const voxelShape = channelsFirst ? [batch, 1, rows, size] : [batch, rows, size, 1];
  // Reshape first: every op (casts included) then runs on the split shape.
  const workingInput = materialisedFloat(tf.reshape(input, workingShape));

  let workingMask: tf.Tensor | null = null;
  let weight: tf.Tensor | null = null;
  if (mask !== null) {
    checkDtype('mask', mask, ['float32', 'int32', 'bool']);
    workingMask = tf.reshape(mask, [batch, rows, size]);
    weight = materialisedFloat(tf.reshape(mask, voxelShape));
  }

  let labels: tf.Tensor | null = null;
  let workingTarget: tf.Tensor;
  if (options.targetFormat === 'labels') {
    checkDtype('label-map target', target, ['int32', 'float32']);
    labels = tf.reshape(target, [batch, rows, size]);
    const voxelLabels = tf.reshape(labels, voxelShape);
    if (channels === 1) {
      workingTarget = materialisedFloat(voxelLabels);
    } else {
      const channelIndices = tf.reshape(tf.range(0, channels, 1, labels.dtype === 'int32' ? 'int32' : 'float32'), channelShape(1, channels, channelsFirst));
      workingTarget = materialisedFloat(tf.equal(voxelLabels, channelIndices));
    }
    if (options.ignoreIndex !== null) {
      const kept = materialisedFloat(tf.notEqual(voxelLabels, tf.scalar(options.ignoreIndex, labels.dtype)));
      // An ignored voxel of a binary (C == 1) map holds the ignore value itself: zero it so that no
      // ignore value ever enters a product, even with weight 0.
      if (channels === 1) workingTarget = tf.mul(workingTarget, kept);
      weight = weight === null ? kept : tf.mul(weight, kept);
    }
  } else {
    checkDtype('dense target', target, ['float32', 'int32', 'bool']);
    workingTarget = materialisedFloat(tf.reshape(target, workingShape));
  }
  return { channelsFirst, input: workingInput, target: workingTarget, weight, labels, mask: workingMask };
}

/** `softmax` over the channel axis of a working tensor (tf.softmax only handles the last axis). */
export function channelSoftmax(input: tf.Tensor, channelsFirst: boolean): tf.Tensor {
  if (!channelsFirst) return tf.softmax(input);
  return tf.exp(channelLogSoftmax(input, channelsFirst));
}

/** Stable `log softmax` over the channel axis: `x - max - log Σ exp(x - max)`. */
export function channelLogSoftmax(input: tf.Tensor, channelsFirst: boolean): tf.Tensor {
  if (!channelsFirst) return tf.logSoftmax(input);
  const axis = channelAxis(channelsFirst);
  const shifted = tf.sub(input, tf.max(input, axis, true));
  return tf.sub(shifted, tf.log(tf.sum(tf.exp(shifted), axis, true)));
}

/** `p = act(input)` (SPEC.md section 2). */
export function activate(activation: ResolvedCommonOptions['activation'], input: tf.Tensor, channelsFirst: boolean): tf.Tensor {
  if (activation === 'sigmoid') return tf.sigmoid(input);
  if (activation === 'softmax') return channelSoftmax(input, channelsFirst);
  return input;
}
