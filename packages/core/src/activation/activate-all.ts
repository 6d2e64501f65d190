import { inputIndex, type Geometry } from '../geometry/geometry.js';
import type { Activation } from '../options/option-types.js';
import { numberReader, type TensorLike } from '../tensor/tensor.js';
import { logSigmoid, sigmoid, softmaxInto } from './activation.js';

/** Activated input in the input's own layout, with the logs the cross-entropy and focal terms need. */
export interface ActivatedInput {
  /** `p = act(input)`. */
  readonly probabilities: Float64Array;
  /** `log p`, exact from the logits (only with `withLogs`). */
  readonly logProbabilities: Float64Array | null;
  /** `1 - p`, without cancellation (only with `withLogs`). */
  readonly complements: Float64Array | null;
  /** `log(1 - p)` for sigmoid (only with `withLogs`). */
  readonly logComplements: Float64Array | null;
}

/** Applies the activation of SPEC.md section 2 to every element, stably. */
export function activateAll(activation: Activation, geometry: Geometry, input: TensorLike, withLogs: boolean): ActivatedInput {
  const read = numberReader(input.data);
  const size = input.data.length;
  const probabilities = new Float64Array(size);
  const logProbabilities = withLogs ? new Float64Array(size) : null;
  const complements = withLogs ? new Float64Array(size) : null;
  const logComplements = withLogs && activation === 'sigmoid' ? new Float64Array(size) : null;
  if (activation === 'none') {
    for (let index = 0; index < size; index++) probabilities[index] = read(index);
    if (logProbabilities !== null && complements !== null) {
      for (let index = 0; index < size; index++) {
        logProbabilities[index] = Math.log(probabilities[index] as number);
        complements[index] = 1 - (probabilities[index] as number);
      }
    }
  } else if (activation === 'sigmoid') {
    for (let index = 0; index < size; index++) {
      const logit = read(index);
      probabilities[index] = sigmoid(logit);
      if (logProbabilities !== null && complements !== null && logComplements !== null) {
        logProbabilities[index] = logSigmoid(logit);
        complements[index] = sigmoid(-logit);
        logComplements[index] = logSigmoid(-logit);
      }
    }
  } else {
    const { channels } = geometry;
    const p = new Float64Array(channels);
    const logP = new Float64Array(channels);
    const q = new Float64Array(channels);
    for (let sample = 0; sample < geometry.batch; sample++) {
      for (let voxel = 0; voxel < geometry.voxels; voxel++) {
        const offset = inputIndex(geometry, sample, 0, voxel);
        softmaxInto(read, offset, geometry.channelStride, channels, p, logP, q);
        for (let channel = 0; channel < channels; channel++) {
          const index = offset + channel * geometry.channelStride;
          probabilities[index] = p[channel] as number;
          if (logProbabilities !== null && complements !== null) {
            logProbabilities[index] = logP[channel] as number;
            complements[index] = q[channel] as number;
          }
        }
      }
    }
  }
  return { probabilities, logProbabilities, complements, logComplements };
}
