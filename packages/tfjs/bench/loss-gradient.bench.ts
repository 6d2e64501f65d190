/**
 * Forward + gradient of the customGrad path against tfjs autodiff of the same composed forward and
 * against the usual hand-written 5-line Dice, on the cpu and wasm backends, shapes A and B of the
 * issue (channels-last here). Prints medians, min-max and same-run ratios.
 *
 *   pnpm bench                       (both backends, both shapes)
 *   BENCH_BACKENDS=wasm BENCH_SHAPES=B pnpm bench
 *   BENCH_REPETITIONS=11 ...          (timed runs per row; default 15 for A, 5 for B)
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { diceLoss } from '../src/index.js';
import { composedLoss, handWrittenDice } from '../src/test-support/composed-forward.js';

interface Shape {
  readonly name: string;
  readonly batch: number;
  readonly spatial: number[];
  readonly channels: number;
  readonly repetitions: number;
}

const SHAPES: Shape[] = [
  { name: 'A', batch: 4, spatial: [256, 256], channels: 1, repetitions: 15 },
  { name: 'B', batch: 2, spatial: [96, 96, 96], channels: 4, repetitions: 5 },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function time(repetitions: number, step: () => void): number[] {
  step(); // warm-up: kernels compiled, buffers allocated
  const times: number[] = [];
  for (let repetition = 0; repetition < repetitions; repetition++) {
    const start = performance.now();
    step();
    times.push(performance.now() - start);
  }
  return times;
}

function valueAndGradient(objective: (prediction: tf.Tensor) => tf.Scalar, input: tf.Tensor): () => void {
  return () => {
    const { value, grad } = tf.valueAndGrad(objective)(input);
    value.dataSync();
    grad.dataSync();
    tf.dispose([value, grad]);
  };
}

function format(times: number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  return `${median(times).toFixed(1).padStart(9)} ms  [${(sorted[0] as number).toFixed(1)}-${(sorted[sorted.length - 1] as number).toFixed(1)}]`;
}

const backends = (process.env.BENCH_BACKENDS ?? 'cpu,wasm').split(',');
const shapeNames = (process.env.BENCH_SHAPES ?? 'A,B').split(',');
const repetitionsOverride = Number(process.env.BENCH_REPETITIONS ?? 0);

for (const backend of backends) {
  await tf.setBackend(backend);
  await tf.ready();
  for (const listed of SHAPES.filter((candidate) => shapeNames.includes(candidate.name))) {
    const shape = repetitionsOverride > 0 ? { ...listed, repetitions: repetitionsOverride } : listed;
    const binary = shape.channels === 1;
    const activation = binary ? 'sigmoid' : 'softmax';
    const inputShape = [shape.batch, ...shape.spatial, shape.channels];
    const input = tf.randomNormal(inputShape, 0, 1, 'float32', 1);
    const labels = tf.randomUniformInt([shape.batch, ...shape.spatial], 0, binary ? 2 : shape.channels, 2);
    const dense = binary ? tf.reshape(tf.cast(labels, 'float32'), inputShape) : tf.oneHot(labels, shape.channels).toFloat();
    const rows: Array<[string, number[]]> = [];
    const ours = diceLoss({ activation, targetFormat: 'labels' });
    const oursDense = diceLoss({ activation });
    rows.push(['customGrad (labels)', time(shape.repetitions, valueAndGradient((prediction) => ours(labels, prediction), input))]);
    rows.push(['customGrad (dense)', time(shape.repetitions, valueAndGradient((prediction) => oursDense(dense, prediction), input))]);
    rows.push([
      'autodiff composed (labels)',
      time(
        shape.repetitions,
        valueAndGradient((prediction) => {
          const target = binary ? tf.reshape(tf.cast(labels, 'float32'), inputShape) : tf.oneHot(labels, shape.channels).toFloat();
          return composedLoss({ loss: 'dice', activation, layout: 'channels-last' }, prediction, target, null);
        }, input),
      ),
    ]);
    rows.push([
      'autodiff composed (dense)',
      time(shape.repetitions, valueAndGradient((prediction) => composedLoss({ loss: 'dice', activation, layout: 'channels-last' }, prediction, dense, null), input)),
    ]);
    if (!binary) rows.push(['hand-written 5-line dice', time(shape.repetitions, valueAndGradient((prediction) => handWrittenDice(prediction, labels, shape.channels), input))]);
    const baseline = median(rows[0]?.[1] ?? [1]);
    const baselineDense = median(rows[1]?.[1] ?? [1]);
    console.log(`\n${backend}  shape ${shape.name} [${inputShape.join(', ')}] (${activation}), ${shape.repetitions} runs, median [min-max], ratio = time / customGrad (same target format)`);
    for (const [name, times] of rows) {
      const reference = name.includes('dense') ? baselineDense : baseline;
      console.log(`  ${name.padEnd(28)} ${format(times)}  x${(median(times) / reference).toFixed(2)}`);
    }
    tf.dispose([input, labels, dense]);
  }
}
