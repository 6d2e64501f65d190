import { computeLoss, type LossName, type LossOptions, type LossResult } from '@dicekit/core';
import { mulberry32 } from '@dicekit/conformance';

/** The seeded generator of SPEC.md section 8 (mulberry32), so property tests are reproducible. */
export const seededRandom = mulberry32;

/** Host data for one problem in the given layout. */
export interface ProblemData {
  readonly inputShape: number[];
  readonly input: Float32Array;
  readonly targetShape: number[];
  readonly target: Float32Array | Int32Array;
  readonly maskShape: number[];
  readonly mask: Float32Array | null;
}

/**
 * Random input (probabilities for activation 'none', logits in [-4, 4] otherwise), a dense one-hot
 * (or soft) target or a label map, and optionally a mask, in channels-first or channels-last layout.
 */
export function randomProblem(
  random: () => number,
  settings: {
    batch: number;
    channels: number;
    spatial: number[];
    layout: 'channels-first' | 'channels-last';
    activation: 'none' | 'sigmoid' | 'softmax';
    targetFormat: 'dense' | 'labels';
    soft?: boolean;
    mask?: boolean;
  },
): ProblemData {
  const { batch, channels, spatial, layout } = settings;
  const voxels = spatial.reduce((product, extent) => product * extent, 1);
  const inputShape = layout === 'channels-first' ? [batch, channels, ...spatial] : [batch, ...spatial, channels];
  const index = (n: number, c: number, v: number) => (layout === 'channels-first' ? (n * channels + c) * voxels + v : (n * voxels + v) * channels + c);
  const input = new Float32Array(batch * channels * voxels);
  for (let i = 0; i < input.length; i++) input[i] = settings.activation === 'none' ? random() : 8 * random() - 4;
  const labels = new Int32Array(batch * voxels);
  for (let i = 0; i < labels.length; i++) labels[i] = Math.floor(random() * (channels === 1 ? 2 : channels));
  let target: Float32Array | Int32Array;
  let targetShape: number[];
  if (settings.targetFormat === 'labels') {
    target = labels;
    targetShape = [batch, ...spatial];
  } else {
    target = new Float32Array(input.length);
    targetShape = inputShape;
    for (let n = 0; n < batch; n++) {
      for (let v = 0; v < voxels; v++) {
        const label = labels[n * voxels + v] as number;
        for (let c = 0; c < channels; c++) {
          const hard = channels === 1 ? label : label === c ? 1 : 0;
          target[index(n, c, v)] = settings.soft ? Math.fround(0.8 * hard + 0.2 * random()) : hard;
        }
      }
    }
  }
  const mask = settings.mask ? Float32Array.from({ length: batch * voxels }, () => (random() < 0.2 ? 0 : random() * 2)) : null;
  return { inputShape, input, targetShape, target, maskShape: [batch, ...spatial], mask };
}

/** `max |a - b| <= atol + rtol · max |b|` over the arrays, with a readable failure message. */
export function closeTo(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol: number): string | null {
  if (actual.length !== expected.length) return `length ${actual.length} != ${expected.length}`;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i] as number));
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    if (!(Math.abs(a - e) <= atol + rtol * scale)) return `index ${i}: ${a} vs ${e} (scale ${scale})`;
  }
  return null;
}

/** Core's float64 loss and gradient of `problem` (the mask, if any, passed as `options.mask`): the reference of the tfjs paths. */
export function coreReference(loss: LossName, problem: ProblemData, options: LossOptions): LossResult {
  return computeLoss(
    loss,
    { shape: problem.inputShape, data: problem.input },
    { shape: problem.targetShape, data: problem.target },
    { ...options, ...(problem.mask === null ? {} : { mask: { shape: problem.maskShape, data: problem.mask } }) },
    { gradient: true },
  );
}
