import fc from 'fast-check';
import type { Activation, Layout, TargetFormat } from '../options/option-types.js';
import { mulberry32 } from '../tensor/mulberry32.js';

/** A random, valid problem: shapes, layout, data and the options that shape the data. */
export interface RandomProblem {
  readonly inputShape: number[];
  readonly layout: Layout;
  readonly activation: Activation;
  readonly targetFormat: TargetFormat;
  readonly input: Float64Array;
  readonly target: Float64Array | Int32Array;
  readonly targetShape: number[];
  readonly mask: Float64Array | null;
  readonly maskShape: number[];
  readonly channels: number;
  readonly batch: number;
}

export interface ProblemConstraints {
  readonly activations?: readonly Activation[];
  readonly minChannels?: number;
  readonly targetFormats?: readonly TargetFormat[];
  readonly softTargets?: boolean;
  readonly withMask?: boolean;
}

/**
 * Random problems: N in 1..3, C in 1..4, one to three spatial axes of 1..4, either layout, dense (hard
 * or soft) or label targets, optional non-binary masks. Probabilities stay inside (0.02, 0.98) so finite
 * differences never leave [0, 1].
 */
export function randomProblem(constraints: ProblemConstraints = {}): fc.Arbitrary<RandomProblem> {
  return fc
    .record({
      batch: fc.integer({ min: 1, max: 3 }),
      channels: fc.integer({ min: constraints.minChannels ?? 1, max: 4 }),
      spatial: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
      layout: fc.constantFrom<Layout>('channels-first', 'channels-last'),
      activation: fc.constantFrom<Activation>(...(constraints.activations ?? ['none', 'sigmoid', 'softmax'])),
      targetFormat: fc.constantFrom<TargetFormat>(...(constraints.targetFormats ?? ['dense', 'labels'])),
      soft: constraints.softTargets === undefined ? fc.boolean() : fc.constant(constraints.softTargets),
      withMask: constraints.withMask === undefined ? fc.boolean() : fc.constant(constraints.withMask),
      seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    })
    .map(({ batch, spatial, layout, activation, targetFormat, soft, withMask, seed, channels: drawn }) => {
      const channels = activation === 'softmax' ? Math.max(2, drawn) : drawn;
      const random = mulberry32(seed);
      const voxels = spatial.reduce((a, b) => a * b, 1);
      const inputShape = layout === 'channels-first' ? [batch, channels, ...spatial] : [batch, ...spatial, channels];
      const size = batch * channels * voxels;
      const input = new Float64Array(size);
      for (let index = 0; index < size; index++) {
        input[index] = activation === 'none' ? 0.02 + 0.96 * random() : -4 + 8 * random();
      }
      let target: Float64Array | Int32Array;
      let targetShape: number[];
      if (targetFormat === 'labels') {
        targetShape = [batch, ...spatial];
        target = new Int32Array(batch * voxels);
        const classes = channels === 1 ? 2 : channels;
        for (let index = 0; index < target.length; index++) target[index] = Math.floor(random() * classes);
      } else {
        targetShape = [...inputShape];
        target = new Float64Array(size);
        for (let index = 0; index < size; index++) target[index] = soft ? random() : random() < 0.4 ? 1 : 0;
      }
      const maskShape = [batch, ...spatial];
      let mask: Float64Array | null = null;
      if (withMask) {
        mask = new Float64Array(batch * voxels);
        for (let index = 0; index < mask.length; index++) mask[index] = random() < 0.2 ? 0 : 0.5 + random();
      }
      return { inputShape, layout, activation, targetFormat, input, target, targetShape, mask, maskShape, channels, batch };
    });
}

/** Central finite difference of `f` at element `index` of `x` (x is restored afterwards). */
export function centralDifference(f: (x: Float64Array) => number, x: Float64Array, index: number, step: number): number {
  const original = x[index] as number;
  x[index] = original + step;
  const plus = f(x);
  x[index] = original - step;
  const minus = f(x);
  x[index] = original;
  return (plus - minus) / (2 * step);
}
