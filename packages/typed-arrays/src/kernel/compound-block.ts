import type { CompoundKind, ResolvedLossOptions } from '@dicekit/core';
import { fastExp } from '../math/fast-exp.js';
import type { BlockScratch } from './block-scratch.js';

/** The constants of a compound term (SPEC.md section 4), resolved once per call. */
export interface CompoundSettings {
  readonly softmax: boolean;
  /** Focal exponent; 0 for cross-entropy. */
  readonly gamma: number;
  /** `w_c`: `classWeights`, or all 1. */
  readonly classWeights: Float64Array;
  /** Softmax focal `a_c`, or all 1. */
  readonly alpha: Float64Array;
  /** Sigmoid focal `(a₁, a₀)`. */
  readonly positiveAlpha: number;
  readonly negativeAlpha: number;
}

/** Reads the compound constants out of resolved options. */
export function compoundSettingsOf(kind: CompoundKind, options: ResolvedLossOptions, channels: number): CompoundSettings {
  const classWeights = new Float64Array(channels).fill(1);
  if (options.classWeights !== null) classWeights.set(options.classWeights);
  const alpha = new Float64Array(channels).fill(1);
  if (Array.isArray(options.focalAlpha)) alpha.set(options.focalAlpha as readonly number[]);
  const scalar = typeof options.focalAlpha === 'number' ? options.focalAlpha : null;
  return {
    softmax: options.activation === 'softmax',
    gamma: kind === 'focal' ? options.focalGamma : 0,
    classWeights,
    alpha,
    positiveAlpha: scalar === null ? 1 : scalar,
    negativeAlpha: scalar === null ? 1 : 1 - scalar,
  };
}

/**
 * `G = q^γ (γ·p·log p / q - 1)`, so that `d(-q^γ log p)/dx_k = G·(δ_ck - p_k)`; the ratio
 * `p log p / q` tends to -1 at `q = 0`.
 */
function softmaxFocalFactor(p: number, logP: number, q: number, gamma: number): number {
  if (gamma === 0) return -1;
  const ratio = q > 0 ? (p * logP) / q : -1;
  return Math.pow(q, gamma) * (gamma * ratio - 1);
}

/**
 * Adds one block's cross-entropy or focal sums to `sums` (`[Σ ω ℓ, Σ ω]`) and, with `withGradient`,
 * writes each element's unscaled `ω · dℓ/dx` into `scratch.compoundGradient` (0 where `ω = 0`).
 * The per-element formulas are those of core's `compoundTerm`, term by term.
 */
export function compoundBlock(
  settings: CompoundSettings,
  scratch: BlockScratch,
  count: number,
  weighted: boolean,
  sums: Float64Array,
  withGradient: boolean,
): void {
  const { input, probability, complement, target, weight, compoundGradient: out, size, channels } = scratch;
  const { gamma, classWeights, alpha } = settings;
  let weightedSum = sums[0] as number;
  let totalWeight = sums[1] as number;
  if (settings.softmax) {
    const { maximum, rest } = scratch;
    for (let voxel = 0; voxel < count; voxel++) {
      const mask = weighted ? (weight[voxel] as number) : 1;
      if (mask === 0) {
        if (withGradient) for (let channel = 0; channel < channels; channel++) out[channel * size + voxel] = 0;
        continue;
      }
      const shift = (maximum[voxel] as number) + Math.log1p(rest[voxel] as number);
      let omega = 0;
      let loss = 0;
      let factorDotTarget = 0;
      for (let channel = 0; channel < channels; channel++) {
        const index = channel * size + voxel;
        const t = target[index] as number;
        omega += (classWeights[channel] as number) * t;
        const a = alpha[channel] as number;
        const q = complement[index] as number;
        const logP = (input[index] as number) - shift;
        const focal = gamma === 0 ? 1 : Math.pow(q, gamma);
        loss -= a * t * focal * logP;
        const factor = a * t * softmaxFocalFactor(probability[index] as number, logP, q, gamma);
        out[index] = factor;
        factorDotTarget += factor;
      }
      omega *= mask;
      if (omega === 0) {
        if (withGradient) for (let channel = 0; channel < channels; channel++) out[channel * size + voxel] = 0;
        continue;
      }
      weightedSum += omega * loss;
      totalWeight += omega;
      if (withGradient) {
        for (let channel = 0; channel < channels; channel++) {
          const index = channel * size + voxel;
          out[index] = omega * ((out[index] as number) - (probability[index] as number) * factorDotTarget);
        }
      }
    }
  } else {
    const a1 = settings.positiveAlpha;
    const a0 = settings.negativeAlpha;
    for (let channel = 0; channel < channels; channel++) {
      const classWeight = classWeights[channel] as number;
      for (let voxel = 0; voxel < count; voxel++) {
        const index = channel * size + voxel;
        const omega = (weighted ? (weight[voxel] as number) : 1) * classWeight;
        if (omega === 0) {
          out[index] = 0;
          continue;
        }
        const x = input[index] as number;
        const t = target[index] as number;
        const p = probability[index] as number;
        const q = complement[index] as number;
        // log σ(±x) = -(max(∓x, 0) + log1p(e^{-|x|})).
        const softplusTail = Math.log1p(fastExp(-Math.abs(x)));
        const logP = -((x < 0 ? -x : 0) + softplusTail);
        const logQ = -((x > 0 ? x : 0) + softplusTail);
        const complementPower = gamma === 0 ? 1 : Math.pow(q, gamma);
        const probabilityPower = gamma === 0 ? 1 : Math.pow(p, gamma);
        const loss = -a1 * t * complementPower * logP - a0 * (1 - t) * probabilityPower * logQ;
        weightedSum += omega * loss;
        totalWeight += omega;
        if (withGradient) {
          const slope =
            a1 * t * complementPower * (gamma * p * logP - q) + a0 * (1 - t) * probabilityPower * (p - gamma * q * logQ);
          out[index] = omega * slope;
        }
      }
    }
  }
  sums[0] = weightedSum;
  sums[1] = totalWeight;
}
