// Keras 3 has no golden cases: the expectations come from Keras's formulas written out independently
// here in float64 (keras.losses.dice / tversky: sums over `axis`, epsilon only in the denominator),
// values directly and gradients by central finite differences.
import { describe, expect, it } from 'vitest';
import { computeLoss } from '../losses/compute-loss.js';
import { fromKeras, type KerasSettings, type KerasTverskyOptions } from './keras.js';

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

interface Problem {
  readonly shape: number[];
  readonly prediction: Float64Array;
  readonly truth: Float64Array;
}

/** Channels-last `[N, ...spatial, C]` probabilities and one-hot (or soft) targets. */
function problem(shape: number[], seed: number, soft = false): Problem {
  const random = seeded(seed);
  const size = shape.reduce((product, extent) => product * extent, 1);
  const channels = shape[shape.length - 1] as number;
  const prediction = new Float64Array(size);
  const truth = new Float64Array(size);
  for (let voxel = 0; voxel < size / channels; voxel++) {
    const label = Math.floor(random() * channels);
    for (let channel = 0; channel < channels; channel++) {
      const index = voxel * channels + channel;
      prediction[index] = 0.05 + 0.9 * random();
      truth[index] = soft ? random() : channels === 1 ? (random() < 0.5 ? 1 : 0) : channel === label ? 1 : 0;
    }
  }
  return { shape, prediction, truth };
}

type Kind = { name: 'dice' } | { name: 'tversky'; alpha: number; beta: number };

/**
 * Keras: `I = Σ y p`, `fp = Σ p (1 - y)`, `fn = Σ (1 - p) y` over `axis` (all axes when null);
 * dice `1 - 2I / (Σ y + Σ p + ε)`, tversky `1 - I / (I + α fp + β fn + ε)` (the corrected form);
 * then 'mean' averages the remaining entries, 'sum' sums them, 'none' returns them.
 */
function kerasLoss(kind: Kind, shape: number[], prediction: Float64Array, truth: Float64Array, axis: number[] | null, reduction: 'mean' | 'sum' | 'none'): number[] {
  const rank = shape.length;
  const reduced = axis === null ? shape.map((_, index) => index) : axis.map((entry) => (entry < 0 ? entry + rank : entry));
  const sums = new Map<string, { intersection: number; truth: number; prediction: number; falsePositive: number; falseNegative: number }>();
  const coordinates = new Array<number>(rank).fill(0);
  for (let index = 0; index < prediction.length; index++) {
    let rest = index;
    for (let dimension = rank - 1; dimension >= 0; dimension--) {
      coordinates[dimension] = rest % (shape[dimension] as number);
      rest = Math.floor(rest / (shape[dimension] as number));
    }
    const key = coordinates.filter((_, dimension) => !reduced.includes(dimension)).join(',');
    const entry = sums.get(key) ?? { intersection: 0, truth: 0, prediction: 0, falsePositive: 0, falseNegative: 0 };
    const p = prediction[index] as number;
    const y = truth[index] as number;
    entry.intersection += y * p;
    entry.truth += y;
    entry.prediction += p;
    entry.falsePositive += p * (1 - y);
    entry.falseNegative += (1 - p) * y;
    sums.set(key, entry);
  }
  const epsilon = 1e-7;
  const losses = [...sums.values()].map((entry) =>
    kind.name === 'dice'
      ? 1 - (2 * entry.intersection) / (entry.truth + entry.prediction + epsilon)
      : 1 - entry.intersection / (entry.intersection + kind.alpha * entry.falsePositive + kind.beta * entry.falseNegative + epsilon),
  );
  if (reduction === 'none') return losses;
  const total = losses.reduce((sum, value) => sum + value, 0);
  return [reduction === 'sum' ? total : total / losses.length];
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let index = 0; index < expected.length; index++) {
    const a = actual[index] as number;
    const e = expected[index] as number;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) expect.fail(`[${index}] ${a} vs ${e}`);
  }
}

interface Scenario {
  readonly title: string;
  readonly lossClass: 'Dice' | 'Tversky';
  readonly options: KerasTverskyOptions;
  readonly settings: KerasSettings;
  readonly shape: number[];
  readonly soft?: boolean;
  readonly kerasAlpha?: number;
  readonly kerasBeta?: number;
}

const SCENARIOS: readonly Scenario[] = [
  { title: 'Dice, axis None (everything pooled)', lossClass: 'Dice', options: {}, settings: {}, shape: [2, 3, 4, 3] },
  { title: 'Dice, axis None, soft targets, one channel', lossClass: 'Dice', options: {}, settings: {}, shape: [3, 4, 5, 1], soft: true },
  { title: 'Dice, axis (1, 2): per sample and class', lossClass: 'Dice', options: { axis: [1, 2] }, settings: { rank: 4 }, shape: [2, 3, 4, 3] },
  { title: 'Dice, axis (-3, -2) on 3D, sum', lossClass: 'Dice', options: { axis: [-4, -3, -2], reduction: 'sum' }, settings: { rank: 5 }, shape: [2, 2, 3, 2, 4] },
  { title: 'Dice, axis (0, 1, 2): per class over the batch, none', lossClass: 'Dice', options: { axis: [0, 1, 2], reduction: null }, settings: { rank: 4 }, shape: [2, 3, 4, 3] },
  { title: 'Dice, axis (1, 2, 3): per sample over the classes', lossClass: 'Dice', options: { axis: [1, 2, 3] }, settings: { rank: 4 }, shape: [3, 2, 4, 3] },
  { title: 'Tversky, axis (1, 2), alpha 0.3 beta 0.7', lossClass: 'Tversky', options: { axis: [1, 2], alpha: 0.3, beta: 0.7 }, settings: { rank: 4 }, shape: [2, 3, 4, 3], kerasAlpha: 0.3, kerasBeta: 0.7 },
  { title: 'Tversky, axis None, one channel, soft targets', lossClass: 'Tversky', options: { alpha: 0.8, beta: 0.2 }, settings: { channels: 1 }, shape: [2, 5, 4, 1], soft: true, kerasAlpha: 0.8, kerasBeta: 0.2 },
  { title: 'Tversky, pre-#23333 Keras (alpha on false negatives)', lossClass: 'Tversky', options: { axis: [1, 2], alpha: 0.3, beta: 0.7, reduction: 'sum' }, settings: { rank: 4, alphaBetaSwapped: true }, shape: [2, 3, 3, 2], kerasAlpha: 0.7, kerasBeta: 0.3 },
];

describe('Keras 3 presets against the Keras formula (float64)', () => {
  for (const [index, scenario] of SCENARIOS.entries()) {
    it(scenario.title, () => {
      const { shape, prediction, truth } = problem(scenario.shape, 11 + index, scenario.soft === true);
      const kind: Kind = scenario.lossClass === 'Dice' ? { name: 'dice' } : { name: 'tversky', alpha: scenario.kerasAlpha as number, beta: scenario.kerasBeta as number };
      const { loss, options } = fromKeras(scenario.lossClass, scenario.options, scenario.settings);
      const reduction = options.reduction ?? 'mean';
      const axis = scenario.options.axis === undefined || scenario.options.axis === null ? null : [...(scenario.options.axis as number[])];
      const result = computeLoss(loss, { shape, data: prediction }, { shape, data: truth }, options, { gradient: true });

      expectClose(result.loss.data, kerasLoss(kind, shape, prediction, truth, axis, reduction), 1e-12, 1e-14);

      // Gradient of the sum of the returned entries, by central differences of the Keras formula.
      const step = 1e-6;
      const numeric = new Float64Array(prediction.length);
      for (let element = 0; element < prediction.length; element++) {
        const shifted = Float64Array.from(prediction);
        shifted[element] = (prediction[element] as number) + step;
        const up = kerasLoss(kind, shape, shifted, truth, axis, reduction).reduce((sum, value) => sum + value, 0);
        shifted[element] = (prediction[element] as number) - step;
        const down = kerasLoss(kind, shape, shifted, truth, axis, reduction).reduce((sum, value) => sum + value, 0);
        numeric[element] = (up - down) / (2 * step);
      }
      expectClose(result.gradient?.data as Float64Array, numeric, 1e-6, 1e-9);
    });
  }

  it('the corrected and the pre-#23333 alpha/beta give different losses for alpha != beta', () => {
    const { shape, prediction, truth } = problem([2, 3, 4, 3], 5);
    const corrected = fromKeras('Tversky', { axis: [1, 2], alpha: 0.2, beta: 0.8 }, { rank: 4 });
    const swapped = fromKeras('Tversky', { axis: [1, 2], alpha: 0.2, beta: 0.8 }, { rank: 4, alphaBetaSwapped: true });
    expect(corrected.options).toMatchObject({ alpha: 0.2, beta: 0.8 });
    expect(swapped.options).toMatchObject({ alpha: 0.8, beta: 0.2 });
    const left = computeLoss(corrected.loss, { shape, data: prediction }, { shape, data: truth }, corrected.options).loss.data[0] as number;
    const right = computeLoss(swapped.loss, { shape, data: prediction }, { shape, data: truth }, swapped.options).loss.data[0] as number;
    expect(Math.abs(left - right)).toBeGreaterThan(1e-3);
  });
});
