import { LOSS_NAMES, type LossName, type LossOptions, type MetricName, type MetricOptions, type TensorLike } from '@dicekit/core';
import { mulberry32 } from '@dicekit/conformance';

/** One seeded random case: a loss or a metric with its data and options. */
export interface AgreementCase {
  readonly id: string;
  readonly kind: 'loss' | 'metric';
  readonly name: LossName | MetricName;
  readonly options: LossOptions & MetricOptions;
  readonly input: TensorLike;
  readonly target: TensorLike;
  readonly inputDtype: 'float64' | 'float32';
}

function pick<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)] as T;
}

/**
 * Seeded random cases covering every loss and metric, both layouts, dense and label targets, 1D to 3D,
 * float64 and float32 input, masks, and each loss's own options.
 */
export function randomCases(perVariant: number, seed = 2026): AgreementCase[] {
  const random = mulberry32(seed);
  const cases: AgreementCase[] = [];
  const variants: Array<['loss', LossName] | ['metric', MetricName]> = [
    ...LOSS_NAMES.map((name) => ['loss', name] as ['loss', LossName]),
    ['metric', 'dice'],
    ['metric', 'iou'],
  ];
  for (const [kind, name] of variants) {
    for (let index = 0; index < perVariant; index++) {
      const compound = name === 'diceCE' || name === 'diceFocal';
      const activation = compound ? pick(random, ['sigmoid', 'softmax'] as const) : pick(random, ['none', 'sigmoid', 'softmax'] as const);
      const channels = activation === 'softmax' ? 2 + Math.floor(random() * 3) : 1 + Math.floor(random() * 4);
      const batch = 1 + Math.floor(random() * 3);
      const spatial = Array.from({ length: 1 + Math.floor(random() * 3) }, () => 2 + Math.floor(random() * 6));
      const layout = pick(random, ['channels-first', 'channels-last'] as const);
      const targetFormat = pick(random, ['dense', 'labels'] as const);
      const inputDtype = pick(random, ['float64', 'float32'] as const);
      const voxels = spatial.reduce((a, b) => a * b, 1);
      const size = batch * channels * voxels;
      const values = Array.from({ length: size }, () => (activation === 'none' ? random() : -5 + 10 * random()));
      const input = { shape: layout === 'channels-first' ? [batch, channels, ...spatial] : [batch, ...spatial, channels], data: inputDtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values) };
      let target: TensorLike;
      if (targetFormat === 'labels') {
        target = { shape: [batch, ...spatial], data: Int32Array.from({ length: batch * voxels }, () => Math.floor(random() * (channels === 1 ? 2 : channels))) };
      } else {
        target = { shape: input.shape, data: Float64Array.from({ length: size }, () => (random() < 0.35 ? 1 : 0)) };
      }
      const options: Record<string, unknown> = { activation, layout, targetFormat, batchDice: random() < 0.3 };
      if (random() < 0.3) options.mask = { shape: [batch, ...spatial], data: Float64Array.from({ length: batch * voxels }, () => (random() < 0.2 ? 0 : 1)) };
      if (channels > 1 && random() < 0.3) options.includeBackground = false;
      if (kind === 'loss') {
        if (!compound && random() < 0.3) options.reduction = pick(random, ['sum', 'none'] as const);
        if (name === 'dice' || name === 'jaccard' || name === 'logCoshDice' || compound) {
          if (random() < 0.3) options.squared = true;
          else if (random() < 0.3) options.softLabel = true;
        }
        if (name === 'tversky') {
          options.alpha = Math.round(random() * 10) / 10;
          options.beta = 1 - (options.alpha as number) + 0.1;
          options.gamma = pick(random, [0.75, 1, 2]);
        }
        if (name === 'generalizedDice') options.weightType = pick(random, ['square', 'simple', 'uniform'] as const);
        if (name === 'diceFocal') options.focalGamma = pick(random, [0, 0.5, 2]);
        if (name !== 'generalizedDice' && random() < 0.3) options.classWeights = Array.from({ length: channels }, () => Math.round(random() * 20) / 10);
      } else {
        if (activation === 'softmax' && random() < 0.3) options.argmax = false;
        if (channels === 1) options.argmax = false;
        options.emptyPolicy = pick(random, ['nan', 'one', 'zero'] as const);
      }
      cases.push({ id: `${kind}-${name}-${index}`, kind, name, options: options as LossOptions & MetricOptions, input, target, inputDtype });
    }
  }
  return cases;
}
