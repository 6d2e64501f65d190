import { sigmoid, softmaxBackwardInPlace } from '../activation/activation.js';
import { activateAll } from '../activation/activate-all.js';
import { inputIndex } from '../geometry/geometry.js';
import { voxelAccess } from '../geometry/voxel-access.js';
import type { LossName, LossOptions } from '../options/option-types.js';
import { computeStatistics } from '../statistics/compute-statistics.js';
import type { PairStatistics } from '../statistics/pair-statistics.js';
import { numberReader, type Tensor64, type TensorLike } from '../tensor/tensor.js';
import { compoundKindOf, compoundTerm } from './compound/compound-term.js';
import { elementwiseCoefficients } from './elementwise-coefficients.js';
import { diceTermFromStatistics } from './loss-from-statistics.js';
import { prepareLoss } from './prepare-loss.js';

/** What every loss returns. */
export interface LossResult {
  /** The loss: shape `[]` for `'mean'`/`'sum'`, the matrix for `'none'` (`[N, C']`, `[C']`, `[N]` or `[1]`). */
  readonly loss: Tensor64;
  /** `d(sum of loss)/d(input)`, same shape and layout as the input (only when requested). */
  readonly gradient: Tensor64 | null;
  /** The per-sample, per-channel statistics `[N, C]` the loss was computed from. */
  readonly statistics: PairStatistics;
}

/** Whether to compute the gradient with respect to the input. */
export interface ComputeSettings {
  readonly gradient?: boolean;
}

/**
 * The float64 reference of every loss of SPEC.md section 4, with its analytic gradient.
 *
 * Shapes: `input` `[N, C, ...spatial]` (or channels-last `[N, ...spatial, C]`); `target` the same
 * (dense) or `[N, ...spatial]` (labels); `options.mask` `[N, ...spatial]`.
 *
 * @throws DiceKitError with the codes of SPEC.md section 7. Inputs are never modified.
 */
export function computeLoss(
  loss: LossName,
  input: TensorLike,
  target: TensorLike,
  options?: LossOptions,
  settings: ComputeSettings = {},
): LossResult {
  const prepared = prepareLoss(loss, input, target, options);
  const { options: resolved, geometry, classes, mask, kind } = prepared;
  const compound = compoundKindOf(resolved.loss);
  const activated = activateAll(resolved.activation, geometry, input, compound !== null);
  const access = voxelAccess(resolved, geometry, target, mask);
  const statistics = computeStatistics(kind, geometry, activated.probabilities, access);
  const diceTerm = diceTermFromStatistics(resolved, classes, statistics, compound === null ? 1 : resolved.lambdaDice);

  const wantGradient = settings.gradient === true;
  const gradient = wantGradient ? new Float64Array(input.data.length) : null;
  let value = diceTerm.value;
  if (compound !== null) {
    const lambda = compound === 'crossEntropy' ? resolved.lambdaCE : resolved.lambdaFocal;
    const extra = compoundTerm(compound, resolved, geometry, activated, access, lambda, gradient);
    value = { shape: [], data: Float64Array.of((diceTerm.value.data[0] as number) + extra) };
  }
  if (gradient !== null) {
    const coefficients = elementwiseCoefficients(kind, diceTerm);
    const { batch, channels, voxels, channelStride } = geometry;
    const p = activated.probabilities;
    const readInput = numberReader(input.data);
    const voxelGradient = new Float64Array(channels);
    const voxelProbabilities = new Float64Array(channels);
    for (let sample = 0; sample < batch; sample++) {
      for (let voxel = 0; voxel < voxels; voxel++) {
        const weight = access.weight(sample, voxel);
        const base = inputIndex(geometry, sample, 0, voxel);
        for (let channel = 0; channel < channels; channel++) {
          const index = base + channel * channelStride;
          const pair = sample * channels + channel;
          const probability = p[index] as number;
          const t = access.target(sample, channel, voxel);
          const difference = probability - t;
          const sign = difference > 0 ? 1 : difference < 0 ? -1 : 0;
          voxelGradient[channel] =
            weight *
            ((coefficients.constant[pair] as number) +
              (coefficients.target[pair] as number) * t +
              (coefficients.prediction[pair] as number) * probability +
              (coefficients.sign[pair] as number) * sign);
          voxelProbabilities[channel] = probability;
        }
        if (resolved.activation === 'softmax') softmaxBackwardInPlace(voxelProbabilities, voxelGradient, channels);
        for (let channel = 0; channel < channels; channel++) {
          const index = base + channel * channelStride;
          let g = voxelGradient[channel] as number;
          if (resolved.activation === 'sigmoid') {
            // σ'(x) = σ(x)·σ(-x), without the cancellation of p·(1 - p) for large |x|.
            const logit = readInput(index);
            g *= sigmoid(logit) * sigmoid(-logit);
          }
          gradient[index] = (gradient[index] as number) + g;
        }
      }
    }
  }
  return { loss: value, gradient: gradient === null ? null : { shape: [...input.shape], data: gradient }, statistics };
}
