import type { ActivatedInput } from '../../activation/activate-all.js';
import { inputIndex, type Geometry } from '../../geometry/geometry.js';
import type { VoxelAccess } from '../../geometry/voxel-access.js';
import type { ResolvedLossOptions } from '../../options/option-types.js';

/** Which extra term a compound loss adds to its Dice term. */
export type CompoundKind = 'crossEntropy' | 'focal';

/** The compound kind of a loss, or null for the plain Dice-family losses. */
export function compoundKindOf(loss: ResolvedLossOptions['loss']): CompoundKind | null {
  if (loss === 'diceCE') return 'crossEntropy';
  if (loss === 'diceFocal') return 'focal';
  return null;
}

/**
 * The per-channel focal factor of the softmax gradient, `G = q^γ (γ·p·log p / q - 1)` with
 * `q = 1 - p`, so that `d(-q^γ log p)/dx_k = G·(δ_ck - p_k)`. At `q = 0` the ratio `p log p / q`
 * tends to -1; the power keeps `γ < 1` finite.
 */
function softmaxFocalFactor(p: number, logP: number, q: number, gamma: number): number {
  if (gamma === 0) return -1;
  const ratio = q > 0 ? (p * logP) / q : -1;
  return Math.pow(q, gamma) * (gamma * ratio - 1);
}

/**
 * The cross-entropy or focal term of `diceCE` / `diceFocal` (SPEC.md section 4), over ALL channels
 * (`includeBackground` and `classes` do not apply; `classWeights` does):
 * - softmax, per voxel: CE `ℓ = -Σ_c t_c log p_c`, focal `ℓ = -Σ_c a_c t_c (1-p_c)^γ log p_c`,
 *   weight `ω = m · Σ_c w_c t_c`;
 * - sigmoid, per element: `ℓ = -t log p - (1-t) log(1-p)`, focal
 *   `-a₁ t (1-p)^γ log p - a₀ (1-t) p^γ log(1-p)`, weight `ω = m · w_c`.
 * Returns `Σ ω ℓ / Σ ω` (`'mean'`) or `Σ ω ℓ` (`'sum'`), 0 where `Σ ω = 0`, times `scale`; adds
 * `scale · d(term)/d(logits)` into `gradient` when given.
 */
export function compoundTerm(
  kind: CompoundKind,
  options: ResolvedLossOptions,
  geometry: Geometry,
  activated: ActivatedInput,
  access: VoxelAccess,
  scale: number,
  gradient: Float64Array | null,
): number {
  const { batch, channels, voxels, channelStride } = geometry;
  const p = activated.probabilities;
  const logP = activated.logProbabilities as Float64Array;
  const q = activated.complements as Float64Array;
  const logQ = activated.logComplements;
  const gamma = kind === 'focal' ? options.focalGamma : 0;
  const classWeight = (channel: number) => (options.classWeights === null ? 1 : (options.classWeights[channel] as number));
  const alphaArray = Array.isArray(options.focalAlpha) ? (options.focalAlpha as readonly number[]) : null;
  const alphaScalar = typeof options.focalAlpha === 'number' ? options.focalAlpha : null;
  // ω depends only on the mask, targets and class weights, so Σ ω is known before the term: each
  // element then carries ω / Σ ω, which stays exact even for subnormal weights.
  let totalWeight = 0;
  for (let sample = 0; sample < batch; sample++) {
    for (let voxel = 0; voxel < voxels; voxel++) {
      const mask = access.weight(sample, voxel);
      if (mask === 0) continue;
      for (let channel = 0; channel < channels; channel++) {
        const weight = classWeight(channel);
        totalWeight += options.activation === 'softmax' ? mask * weight * access.target(sample, channel, voxel) : mask * weight;
      }
    }
  }
  if (totalWeight === 0) return 0;
  const normaliser = options.reduction === 'mean' ? totalWeight : 1;

  let value = 0;
  const factors = new Float64Array(channels);
  for (let sample = 0; sample < batch; sample++) {
    for (let voxel = 0; voxel < voxels; voxel++) {
      const mask = access.weight(sample, voxel);
      if (mask === 0) continue;
      const base = inputIndex(geometry, sample, 0, voxel);
      if (options.activation === 'softmax') {
        let omega = 0;
        let loss = 0;
        let factorSum = 0;
        for (let channel = 0; channel < channels; channel++) {
          const index = base + channel * channelStride;
          const t = access.target(sample, channel, voxel);
          omega += classWeight(channel) * t;
          const a = alphaArray === null ? 1 : (alphaArray[channel] as number);
          const focal = gamma === 0 ? 1 : Math.pow(q[index] as number, gamma);
          loss -= a * t * focal * (logP[index] as number);
          const factor = a * t * softmaxFocalFactor(p[index] as number, logP[index] as number, q[index] as number, gamma);
          factors[channel] = factor;
          factorSum += factor;
        }
        const share = (mask * omega) / normaliser;
        if (share === 0) continue;
        value += share * loss;
        if (gradient !== null) {
          for (let channel = 0; channel < channels; channel++) {
            const index = base + channel * channelStride;
            gradient[index] =
              (gradient[index] as number) + scale * share * ((factors[channel] as number) - (p[index] as number) * factorSum);
          }
        }
      } else {
        for (let channel = 0; channel < channels; channel++) {
          const index = base + channel * channelStride;
          const share = (mask * classWeight(channel)) / normaliser;
          if (share === 0) continue;
          const t = access.target(sample, channel, voxel);
          const probability = p[index] as number;
          const complement = q[index] as number;
          const logProbability = logP[index] as number;
          const logComplement = (logQ as Float64Array)[index] as number;
          const a1 = alphaScalar === null ? 1 : alphaScalar;
          const a0 = alphaScalar === null ? 1 : 1 - alphaScalar;
          const complementPower = gamma === 0 ? 1 : Math.pow(complement, gamma);
          const probabilityPower = gamma === 0 ? 1 : Math.pow(probability, gamma);
          value += share * (-a1 * t * complementPower * logProbability - a0 * (1 - t) * probabilityPower * logComplement);
          if (gradient !== null) {
            const slope =
              a1 * t * complementPower * (gamma * probability * logProbability - complement) +
              a0 * (1 - t) * probabilityPower * (probability - gamma * complement * logComplement);
            gradient[index] = (gradient[index] as number) + scale * share * slope;
          }
        }
      }
    }
  }
  return scale * value;
}
