import { sigmoid, softmaxInto } from '../activation/activation.js';
import { inputIndex, type Geometry } from '../geometry/geometry.js';
import type { ResolvedMetricOptions } from '../options/option-types.js';
import { numberReader, type TensorLike } from '../tensor/tensor.js';

/**
 * Hard predictions of SPEC.md section 6 over ALL channels, in the input's layout:
 * with `argmax`, 1 for the channel of the largest raw input value (the first wins ties); otherwise
 * `act(input) >= threshold` per channel (softmax probabilities too, multi-label style).
 */
export function binarize(options: ResolvedMetricOptions, geometry: Geometry, input: TensorLike): Uint8Array {
  const read = numberReader(input.data);
  const hard = new Uint8Array(input.data.length);
  const { batch, voxels, channels, channelStride } = geometry;
  if (options.argmax) {
    for (let sample = 0; sample < batch; sample++) {
      for (let voxel = 0; voxel < voxels; voxel++) {
        const base = inputIndex(geometry, sample, 0, voxel);
        let best = 0;
        let bestValue = read(base);
        for (let channel = 1; channel < channels; channel++) {
          const value = read(base + channel * channelStride);
          if (value > bestValue) {
            bestValue = value;
            best = channel;
          }
        }
        hard[base + best * channelStride] = 1;
      }
    }
    return hard;
  }
  const threshold = options.threshold;
  if (options.activation === 'softmax') {
    const p = new Float64Array(channels);
    const logP = new Float64Array(channels);
    const q = new Float64Array(channels);
    for (let sample = 0; sample < batch; sample++) {
      for (let voxel = 0; voxel < voxels; voxel++) {
        const base = inputIndex(geometry, sample, 0, voxel);
        softmaxInto(read, base, channelStride, channels, p, logP, q);
        for (let channel = 0; channel < channels; channel++) {
          hard[base + channel * channelStride] = (p[channel] as number) >= threshold ? 1 : 0;
        }
      }
    }
    return hard;
  }
  const activate = options.activation === 'sigmoid' ? sigmoid : (x: number) => x;
  for (let index = 0; index < hard.length; index++) hard[index] = activate(read(index)) >= threshold ? 1 : 0;
  return hard;
}
