/**
 * The usual multi-pass way to write a Dice loss over typed arrays, as a baseline: activation into a
 * new array, a one-hot copy of label maps, one loop per statistic, then one array per gradient step.
 * Plain `Math.exp`, float64 temporaries.
 */
export interface NaiveProblem {
  readonly input: Float32Array;
  /** Dense `[N, C, V]` or labels `[N, V]`. */
  readonly target: Float32Array | Uint8Array;
  readonly labels: boolean;
  readonly batch: number;
  readonly channels: number;
  readonly voxels: number;
  readonly activation: 'sigmoid' | 'softmax' | 'none';
}

function activate(problem: NaiveProblem): Float64Array {
  const { input, batch, channels, voxels } = problem;
  if (problem.activation === 'none') return Float64Array.from(input);
  if (problem.activation === 'sigmoid') return Float64Array.from(input, (x) => 1 / (1 + Math.exp(-x)));
  const probabilities = new Float64Array(input.length);
  for (let n = 0; n < batch; n++) {
    for (let v = 0; v < voxels; v++) {
      let maximum = -Infinity;
      for (let c = 0; c < channels; c++) maximum = Math.max(maximum, input[(n * channels + c) * voxels + v] as number);
      let sum = 0;
      for (let c = 0; c < channels; c++) sum += Math.exp((input[(n * channels + c) * voxels + v] as number) - maximum);
      for (let c = 0; c < channels; c++) {
        const index = (n * channels + c) * voxels + v;
        probabilities[index] = Math.exp((input[index] as number) - maximum) / sum;
      }
    }
  }
  return probabilities;
}

function oneHot(problem: NaiveProblem): Float64Array {
  const { target, batch, channels, voxels } = problem;
  if (!problem.labels) return Float64Array.from(target);
  const dense = new Float64Array(batch * channels * voxels);
  for (let n = 0; n < batch; n++) {
    for (let v = 0; v < voxels; v++) dense[(n * channels + (target[n * voxels + v] as number)) * voxels + v] = 1;
  }
  return dense;
}

/** Mean Dice loss over `(n, c)` with smoothing 1e-5, and optionally its gradient. */
export function naiveDice(problem: NaiveProblem, withGradient: boolean): { loss: number; gradient: Float64Array | null } {
  const { batch, channels, voxels } = problem;
  const p = activate(problem);
  const t = oneHot(problem);
  const products = p.map((value, index) => value * (t[index] as number));
  const pairs = batch * channels;
  const intersection = new Float64Array(pairs);
  const predicted = new Float64Array(pairs);
  const truth = new Float64Array(pairs);
  for (let pair = 0; pair < pairs; pair++) {
    for (let v = 0; v < voxels; v++) intersection[pair] = (intersection[pair] as number) + (products[pair * voxels + v] as number);
  }
  for (let pair = 0; pair < pairs; pair++) {
    for (let v = 0; v < voxels; v++) predicted[pair] = (predicted[pair] as number) + (p[pair * voxels + v] as number);
  }
  for (let pair = 0; pair < pairs; pair++) {
    for (let v = 0; v < voxels; v++) truth[pair] = (truth[pair] as number) + (t[pair * voxels + v] as number);
  }
  let loss = 0;
  const dI = new Float64Array(pairs);
  const dS = new Float64Array(pairs);
  for (let pair = 0; pair < pairs; pair++) {
    const numerator = 2 * (intersection[pair] as number) + 1e-5;
    const denominator = (predicted[pair] as number) + (truth[pair] as number) + 1e-5;
    loss += 1 - numerator / denominator;
    dI[pair] = -2 / denominator / pairs;
    dS[pair] = numerator / (denominator * denominator) / pairs;
  }
  loss /= pairs;
  if (!withGradient) return { loss, gradient: null };
  const dp = new Float64Array(p.length);
  for (let index = 0; index < p.length; index++) {
    const pair = Math.floor(index / voxels);
    dp[index] = (dI[pair] as number) * (t[index] as number) + (dS[pair] as number);
  }
  if (problem.activation === 'none') return { loss, gradient: dp };
  const gradient = new Float64Array(p.length);
  if (problem.activation === 'sigmoid') {
    for (let index = 0; index < p.length; index++) gradient[index] = (dp[index] as number) * (p[index] as number) * (1 - (p[index] as number));
  } else {
    for (let n = 0; n < batch; n++) {
      for (let v = 0; v < voxels; v++) {
        let dot = 0;
        for (let c = 0; c < channels; c++) dot += (dp[(n * channels + c) * voxels + v] as number) * (p[(n * channels + c) * voxels + v] as number);
        for (let c = 0; c < channels; c++) {
          const index = (n * channels + c) * voxels + v;
          gradient[index] = (p[index] as number) * ((dp[index] as number) - dot);
        }
      }
    }
  }
  return { loss, gradient };
}
