/**
 * Numerically stable activations. Logits of ±1e3 give finite probabilities, log-probabilities and
 * gradients: `exp` only ever sees non-positive arguments.
 */

/** `1 / (1 + e^-x)`, stable for any finite x. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** `log(1 + e^x)`, stable for any finite x. */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** `log σ(x) = -softplus(-x)`. */
export function logSigmoid(x: number): number {
  return -softplus(-x);
}

/**
 * Softmax of `logits[offset + k·stride]` for `k < channels`, written to `probabilities[k]`, with
 * `logProbabilities[k]` (exact log-softmax) and `complements[k] = 1 - p_k` computed without
 * cancellation (the sum of the other channels' probabilities).
 */
export function softmaxInto(
  read: (index: number) => number,
  offset: number,
  stride: number,
  channels: number,
  probabilities: Float64Array,
  logProbabilities: Float64Array,
  complements: Float64Array,
): void {
  let maximum = -Infinity;
  let argmax = 0;
  for (let k = 0; k < channels; k++) {
    const value = read(offset + k * stride);
    if (value > maximum) {
      maximum = value;
      argmax = k;
    }
  }
  // rest = Σ_{k ≠ argmax} e^{x_k - max}; the total is 1 + rest, so log-sum-exp = max + log1p(rest).
  let rest = 0;
  for (let k = 0; k < channels; k++) {
    const shifted = Math.exp(read(offset + k * stride) - maximum);
    probabilities[k] = shifted;
    if (k !== argmax) rest += shifted;
  }
  const total = 1 + rest;
  const logTotal = Math.log1p(rest);
  for (let k = 0; k < channels; k++) {
    const shifted = probabilities[k] as number;
    probabilities[k] = shifted / total;
    logProbabilities[k] = read(offset + k * stride) - maximum - logTotal;
    complements[k] = k === argmax ? rest / total : (total - shifted) / total;
  }
}

/** Backward of softmax over one voxel: `dx_k = p_k (g_k - Σ_j g_j p_j)`, in place in `gradient`. */
export function softmaxBackwardInPlace(probabilities: Float64Array, gradient: Float64Array, channels: number): void {
  let dot = 0;
  for (let k = 0; k < channels; k++) dot += (gradient[k] as number) * (probabilities[k] as number);
  for (let k = 0; k < channels; k++) {
    gradient[k] = (probabilities[k] as number) * ((gradient[k] as number) - dot);
  }
}
