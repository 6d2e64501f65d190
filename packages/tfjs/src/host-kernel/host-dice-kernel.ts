import {
  coordinatesOf,
  createStatistics,
  DiceKitError,
  formatShape,
  type ElementwiseCoefficients,
  type Geometry,
  type PairStatistics,
  type ResolvedCommonOptions,
  type StatisticsKind,
} from '@dicekit/core';

/** Host arrays of one loss call whose tensors live in CPU memory (tfjs cpu and wasm backends). */
export interface HostProblem {
  readonly options: ResolvedCommonOptions;
  readonly geometry: Geometry;
  readonly kind: StatisticsKind;
  /** The raw input, or null when `probabilities` were computed on the device. */
  readonly input: Float32Array | Int32Array | null;
  readonly inputShape: readonly number[];
  /** `act(input)` already computed by the tf backend (wasm's SIMD kernels), or null. */
  readonly probabilities: Float32Array | null;
  /** Dense target (input's layout) or label map `[N·V]`. */
  readonly target: Float32Array | Int32Array | Uint8Array;
  readonly targetShape: readonly number[];
  readonly mask: Float32Array | Int32Array | Uint8Array | null;
  readonly maskShape: readonly number[];
}

function where(index: number, shape: readonly number[]): string {
  return `at index ${index} (coordinates ${formatShape(coordinatesOf(index, shape))})`;
}

function inputError(problem: HostProblem, index: number): DiceKitError {
  const value = (problem.input as ArrayLike<number>)[index] as number;
  if (!(value - value === 0)) return new DiceKitError('E_NONFINITE', `input holds ${value} ${where(index, problem.inputShape)}`);
  return new DiceKitError(
    'E_VALUE',
    `input holds ${value} ${where(index, problem.inputShape)} but activation is 'none', so input must be probabilities in [0, 1] (pass activation 'sigmoid' or 'softmax' for logits)`,
  );
}

function targetError(problem: HostProblem, index: number): DiceKitError {
  const value = problem.target[index] as number;
  if (problem.options.targetFormat === 'labels') {
    const upper = problem.geometry.channels === 1 ? 2 : problem.geometry.channels;
    if (!Number.isInteger(value)) return new DiceKitError('E_DTYPE', `label-map target holds the non-integer ${value} ${where(index, problem.targetShape)}`);
    const ignore = problem.options.ignoreIndex;
    return new DiceKitError('E_LABEL', `label ${value} ${where(index, problem.targetShape)} is outside [0, ${upper})${ignore === null ? '' : ` and is not ignoreIndex ${ignore}`}`);
  }
  if (!(value - value === 0)) return new DiceKitError('E_NONFINITE', `target holds ${value} ${where(index, problem.targetShape)}`);
  return new DiceKitError('E_VALUE', `dense target holds ${value} ${where(index, problem.targetShape)}; dense targets are in [0, 1]`);
}

function maskError(problem: HostProblem, index: number): DiceKitError {
  const value = (problem.mask as ArrayLike<number>)[index] as number;
  if (!(value - value === 0)) return new DiceKitError('E_NONFINITE', `mask holds ${value} ${where(index, problem.maskShape)}`);
  return new DiceKitError('E_VALUE', `mask holds ${value} ${where(index, problem.maskShape)}; mask weights are >= 0`);
}

/**
 * What the forward pass keeps for the backward pass: the probabilities and, for sigmoid, the
 * slope `σ(x)σ(-x)` (float32, input-sized), so that the backward pass needs no exponential.
 */
export interface HostActivations {
  readonly probabilities: Float32Array;
  readonly slopes: Float32Array | null;
}

/**
 * One fused voxel-major pass: the data checks of SPEC.md section 7 (when `check`), `p = act(x)`
 * (kept for the backward pass) and the statistics of section 3 with float64 accumulators (exact to
 * float64 rounding whatever V).
 */
export function hostForward(problem: HostProblem, check: boolean): { statistics: PairStatistics; activations: HostActivations } {
  const { kind, geometry, options, target, mask } = problem;
  const { batch, channels, voxels, channelStride, voxelStride, sampleStride } = geometry;
  const size = batch * geometry.sampleStride;
  const given = problem.probabilities;
  const input = problem.input ?? new Float32Array(0);
  const p = given ?? new Float32Array(size);
  const slopes = options.activation === 'sigmoid' ? new Float32Array(size) : null;
  const statistics = createStatistics(batch, channels, kind);
  const labels = options.targetFormat === 'labels';
  const ignore = options.ignoreIndex;
  const upper = channels === 1 ? 2 : channels;
  const squared = kind.squared;
  const softLabel = kind.absoluteDifference;
  const oneHotPlain = labels && channels > 1 && !squared && !softLabel;
  // 3: probabilities given (the device checked the input's finiteness); 2 softmax; 1 sigmoid; 0 none.
  const activation = given !== null ? 3 : options.activation === 'softmax' ? 2 : options.activation === 'sigmoid' ? 1 : 0;
  // Per-pair float64 sums of the current sample (they stay in L1).
  const sumIntersection = new Float64Array(channels);
  const sumPrediction = new Float64Array(channels);
  const sumTarget = new Float64Array(channels);
  const sumAbsolute = new Float64Array(channels);
  for (let sample = 0; sample < batch; sample++) {
    sumIntersection.fill(0);
    sumPrediction.fill(0);
    sumTarget.fill(0);
    sumAbsolute.fill(0);
    for (let voxel = 0; voxel < voxels; voxel++) {
      const voxelIndex = sample * voxels + voxel;
      const base = sample * sampleStride + voxel * voxelStride;
      let weight = 1;
      if (mask !== null) {
        weight = mask[voxelIndex] as number;
        if (check && !(weight >= 0 && weight - weight === 0)) throw maskError(problem, voxelIndex);
      }
      let label = -1;
      if (labels) {
        label = target[voxelIndex] as number;
        if (label === ignore) weight = 0;
        else if (check && !(label >= 0 && label < upper && label === Math.floor(label))) throw targetError(problem, voxelIndex);
      }
      // Activation (every voxel: the input checks cover weight-0 voxels too).
      if (activation === 3) {
        if (slopes !== null) {
          for (let channel = 0; channel < channels; channel++) {
            const index = base + channel * channelStride;
            const probability = p[index] as number;
            slopes[index] = probability * (1 - probability);
          }
        }
      } else if (activation === 2) {
        let maximum = -Infinity;
        let winner = 0;
        for (let channel = 0; channel < channels; channel++) {
          const value = input[base + channel * channelStride] as number;
          if (check && !(value - value === 0)) throw inputError(problem, base + channel * channelStride);
          if (value > maximum) {
            maximum = value;
            winner = channel;
          }
        }
        let total = 1;
        for (let channel = 0; channel < channels; channel++) {
          if (channel === winner) continue;
          const exponential = Math.exp((input[base + channel * channelStride] as number) - maximum);
          p[base + channel * channelStride] = exponential;
          total += exponential;
        }
        const inverse = 1 / total;
        for (let channel = 0; channel < channels; channel++) {
          const index = base + channel * channelStride;
          p[index] = channel === winner ? inverse : (p[index] as number) * inverse;
        }
      } else if (activation === 1) {
        for (let channel = 0; channel < channels; channel++) {
          const index = base + channel * channelStride;
          const value = input[index] as number;
          if (check && !(value - value === 0)) throw inputError(problem, index);
          // σ(x)σ(-x) = e^{-|x|} / (1 + e^{-|x|})²: no cancellation for large |x|.
          const decay = Math.exp(value >= 0 ? -value : value);
          const inverse = 1 / (1 + decay);
          p[index] = value >= 0 ? inverse : decay * inverse;
          (slopes as Float32Array)[index] = decay * inverse * inverse;
        }
      } else {
        for (let channel = 0; channel < channels; channel++) {
          const index = base + channel * channelStride;
          const value = input[index] as number;
          if (check && !(value >= 0 && value <= 1)) throw inputError(problem, index);
          p[index] = value;
        }
      }
      if (!labels && check) {
        for (let channel = 0; channel < channels; channel++) {
          const index = base + channel * channelStride;
          const value = target[index] as number;
          if (!(value >= 0 && value <= 1)) throw targetError(problem, index);
        }
      }
      if (weight === 0) continue;
      if (oneHotPlain) {
        // A label map with plain sums: only the label's channel has t = 1.
        const labelIndex = base + label * channelStride;
        sumIntersection[label] = (sumIntersection[label] as number) + weight * (p[labelIndex] as number);
        sumTarget[label] = (sumTarget[label] as number) + weight;
        for (let channel = 0; channel < channels; channel++) {
          sumPrediction[channel] = (sumPrediction[channel] as number) + weight * (p[base + channel * channelStride] as number);
        }
        continue;
      }
      for (let channel = 0; channel < channels; channel++) {
        const index = base + channel * channelStride;
        // Statistics from the float32 probabilities the backward pass uses.
        const probability = p[index] as number;
        const truth = labels ? (channels === 1 ? label : label === channel ? 1 : 0) : (target[index] as number);
        const weightedProbability = weight * probability;
        sumIntersection[channel] = (sumIntersection[channel] as number) + weightedProbability * truth;
        if (squared) {
          sumPrediction[channel] = (sumPrediction[channel] as number) + weightedProbability * probability;
          sumTarget[channel] = (sumTarget[channel] as number) + weight * truth * truth;
        } else {
          sumPrediction[channel] = (sumPrediction[channel] as number) + weightedProbability;
          sumTarget[channel] = (sumTarget[channel] as number) + weight * truth;
        }
        if (softLabel) sumAbsolute[channel] = (sumAbsolute[channel] as number) + weight * Math.abs(probability - truth);
      }
    }
    for (let channel = 0; channel < channels; channel++) {
      const pair = sample * channels + channel;
      statistics.intersection[pair] = sumIntersection[channel] as number;
      statistics.prediction[pair] = sumPrediction[channel] as number;
      statistics.target[pair] = sumTarget[channel] as number;
      if (statistics.absoluteDifference !== null) {
        statistics.absoluteDifference[pair] = sumAbsolute[channel] as number;
        statistics.intersection[pair] = ((sumPrediction[channel] as number) + (sumTarget[channel] as number) - (sumAbsolute[channel] as number)) / 2;
      }
    }
  }
  return { statistics, activations: { probabilities: p, slopes } };
}

/**
 * `scale · dL/dx` in one pass: `dL/dp = m (constant + target·t + prediction·p + sign·sgn(p - t))`
 * per pair (core's coefficients), then the activation's backward (softmax `p (g - Σ g p)`, sigmoid
 * `g σ(x) σ(-x)`), from the forward's activations. Voxels of weight 0 get 0.
 */
export function hostGradient(problem: HostProblem, activations: HostActivations, coefficients: ElementwiseCoefficients, scale: number): Float32Array {
  const { geometry, options, target, mask } = problem;
  const { batch, channels, voxels, channelStride, voxelStride, sampleStride } = geometry;
  const p = activations.probabilities;
  const slopes = activations.slopes;
  const gradient = new Float32Array(p.length);
  const g = new Float64Array(channels);
  const { constant, target: targetCoefficient, prediction: predictionCoefficient, sign: signCoefficient } = coefficients;
  const labels = options.targetFormat === 'labels';
  const ignore = options.ignoreIndex;
  const softmax = options.activation === 'softmax';
  const plain = !problem.kind.squared && !problem.kind.absoluteDifference;
  if (softmax && labels && plain) {
    softmaxLabelGradient(problem, p, coefficients, scale, gradient);
    return gradient;
  }
  if (softmax && !labels && plain) {
    softmaxDenseGradient(problem, p, coefficients, scale, gradient);
    return gradient;
  }
  if (!softmax && plain) {
    elementGradient(problem, slopes, coefficients, scale, gradient);
    return gradient;
  }
  for (let sample = 0; sample < batch; sample++) {
    const row = sample * channels;
    for (let voxel = 0; voxel < voxels; voxel++) {
      const voxelIndex = sample * voxels + voxel;
      let weight = mask === null ? 1 : (mask[voxelIndex] as number);
      const label = labels ? (target[voxelIndex] as number) : -1;
      if (labels && label === ignore) weight = 0;
      if (weight === 0) continue;
      const base = sample * sampleStride + voxel * voxelStride;
      let dot = 0;
      for (let channel = 0; channel < channels; channel++) {
        const index = base + channel * channelStride;
        const pair = row + channel;
        const probability = p[index] as number;
        const truth = labels ? (channels === 1 ? label : label === channel ? 1 : 0) : (target[index] as number);
        const difference = probability - truth;
        const value =
          weight *
          ((constant[pair] as number) +
            (targetCoefficient[pair] as number) * truth +
            (predictionCoefficient[pair] as number) * probability +
            (signCoefficient[pair] as number) * (difference > 0 ? 1 : difference < 0 ? -1 : 0));
        g[channel] = value;
        dot += value * probability;
      }
      for (let channel = 0; channel < channels; channel++) {
        const index = base + channel * channelStride;
        let value = g[channel] as number;
        if (softmax) value = (p[index] as number) * (value - dot);
        else if (slopes !== null) value *= slopes[index] as number;
        gradient[index] = scale * value;
      }
    }
  }
  return gradient;
}

/**
 * The common case of `hostGradient` (softmax, label map, plain statistics) without the general
 * terms: with `g_c = a_c + b_c [c = l]`, `dx_c = m p_c (g_c - Σ_j a_j p_j - b_l p_l)`.
 */
function softmaxLabelGradient(problem: HostProblem, p: Float32Array, coefficients: ElementwiseCoefficients, scale: number, gradient: Float32Array): void {
  const { geometry, options, target, mask } = problem;
  const { batch, channels, voxels, channelStride, voxelStride, sampleStride } = geometry;
  const ignore = options.ignoreIndex;
  const constant = new Float64Array(channels);
  const onTarget = new Float64Array(channels);
  for (let sample = 0; sample < batch; sample++) {
    for (let channel = 0; channel < channels; channel++) {
      constant[channel] = scale * (coefficients.constant[sample * channels + channel] as number);
      onTarget[channel] = scale * (coefficients.target[sample * channels + channel] as number);
    }
    for (let voxel = 0; voxel < voxels; voxel++) {
      const voxelIndex = sample * voxels + voxel;
      const label = target[voxelIndex] as number;
      if (label === ignore) continue;
      const weight = mask === null ? 1 : (mask[voxelIndex] as number);
      if (weight === 0) continue;
      const base = sample * sampleStride + voxel * voxelStride;
      const labelIndex = base + label * channelStride;
      const labelTerm = (onTarget[label] as number) * (p[labelIndex] as number);
      let dot = labelTerm;
      for (let channel = 0; channel < channels; channel++) dot += (constant[channel] as number) * (p[base + channel * channelStride] as number);
      for (let channel = 0; channel < channels; channel++) {
        const index = base + channel * channelStride;
        gradient[index] = weight * (p[index] as number) * ((constant[channel] as number) - dot);
      }
      gradient[labelIndex] = (gradient[labelIndex] as number) + weight * labelTerm;
    }
  }
}

/** The dense-target counterpart of `softmaxLabelGradient`: `g_c = a_c + b_c t_c`, `dx_c = m p_c (g_c - Σ_j g_j p_j)`. */
function softmaxDenseGradient(problem: HostProblem, p: Float32Array, coefficients: ElementwiseCoefficients, scale: number, gradient: Float32Array): void {
  const { geometry, target, mask } = problem;
  const { batch, channels, voxels, channelStride, voxelStride, sampleStride } = geometry;
  const constant = new Float64Array(channels);
  const onTarget = new Float64Array(channels);
  const g = new Float64Array(channels);
  for (let sample = 0; sample < batch; sample++) {
    for (let channel = 0; channel < channels; channel++) {
      constant[channel] = scale * (coefficients.constant[sample * channels + channel] as number);
      onTarget[channel] = scale * (coefficients.target[sample * channels + channel] as number);
    }
    for (let voxel = 0; voxel < voxels; voxel++) {
      const weight = mask === null ? 1 : (mask[sample * voxels + voxel] as number);
      if (weight === 0) continue;
      const base = sample * sampleStride + voxel * voxelStride;
      let dot = 0;
      for (let channel = 0; channel < channels; channel++) {
        const index = base + channel * channelStride;
        const value = (constant[channel] as number) + (onTarget[channel] as number) * (target[index] as number);
        g[channel] = value;
        dot += value * (p[index] as number);
      }
      for (let channel = 0; channel < channels; channel++) {
        const index = base + channel * channelStride;
        gradient[index] = weight * (p[index] as number) * ((g[channel] as number) - dot);
      }
    }
  }
}

/**
 * Sigmoid or no activation with plain statistics: every element on its own,
 * `dx = m (a_c + b_c t) σ'(x)` (`σ' = 1` without activation), in memory order.
 */
function elementGradient(problem: HostProblem, slopes: Float32Array | null, coefficients: ElementwiseCoefficients, scale: number, gradient: Float32Array): void {
  const { geometry, options, target, mask } = problem;
  const { batch, channels, voxels, channelStride, voxelStride, sampleStride } = geometry;
  const labels = options.targetFormat === 'labels';
  const ignore = options.ignoreIndex;
  for (let sample = 0; sample < batch; sample++) {
    for (let channel = 0; channel < channels; channel++) {
      const pair = sample * channels + channel;
      const constant = scale * (coefficients.constant[pair] as number);
      const onTarget = scale * (coefficients.target[pair] as number);
      const start = sample * sampleStride + channel * channelStride;
      const voxelStart = sample * voxels;
      for (let voxel = 0; voxel < voxels; voxel++) {
        const index = start + voxel * voxelStride;
        let weight = mask === null ? 1 : (mask[voxelStart + voxel] as number);
        let truth: number;
        if (labels) {
          const label = target[voxelStart + voxel] as number;
          if (label === ignore) weight = 0;
          truth = channels === 1 ? label : label === channel ? 1 : 0;
        } else {
          truth = target[index] as number;
        }
        const value = weight === 0 ? 0 : weight * (constant + onTarget * truth);
        gradient[index] = slopes === null ? value : value * (slopes[index] as number);
      }
    }
  }
}
