/**
 * `pnpm bench`: the fused typed-array kernels against two baselines measured in the same process:
 * (1) `Float32Array.prototype.set` copying an array of the input's element count (the memory-bound
 * floor), and (2) a naive multi-pass JavaScript Dice loss. Medians and min-max over runs; the tasks
 * run round-robin and each ratio is the median of per-round ratios (the naive baseline runs 3 rounds on
 * shape C). Every call runs on one thread and on two (`setKernelThreads(2)`), on ordinary arrays and
 * on arrays in kernel memory (`kernelMemory()`: no copy into the WebAssembly memory), and a read-only SIMD loop over
 * the same two arrays (`read-floor.ts`) shows what reading alone costs against the copy.
 * Environment: BENCH_RUNS (default 7), BENCH_SHAPES (e.g. "A,B").
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { computeLoss as coreComputeLoss, mulberry32 } from '@dicekit/core';
import { computeLoss, fastExp, kernelMemory, kernelPath, setKernelThreads } from '../src/index.js';
import { naiveDice, type NaiveProblem } from './naive-dice.js';
import { readFloor } from './read-floor.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const runs = Number(process.env.BENCH_RUNS ?? 7);
const selectedShapes = (process.env.BENCH_SHAPES ?? 'A,B,C').split(',');

interface Timing {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** External (ArrayBuffer) bytes still held right after the warm-up call, over the level before it. */
  readonly allocated: number;
  readonly samples: number[];
}

function summarise(samples: number[], allocated: number): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: median(sorted), min: sorted[0] as number, max: sorted[sorted.length - 1] as number, allocated, samples };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * Runs the tasks round-robin, `count` rounds after one warm-up call each, so every round's ratios are
 * taken under the same machine load (the machine is shared).
 */
function measureInterleaved(tasks: Record<string, () => unknown>, count = runs, limits: Record<string, number> = {}): Record<string, Timing> {
  const names = Object.keys(tasks);
  const allocated: Record<string, number> = {};
  for (const name of names) {
    collectGarbage();
    const before = process.memoryUsage().arrayBuffers;
    tasks[name]!();
    allocated[name] = Math.max(0, process.memoryUsage().arrayBuffers - before);
  }
  const samples: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < count; round++) {
    for (const name of names) {
      if (round >= (limits[name] ?? count)) continue;
      const start = performance.now();
      tasks[name]!();
      samples[name]!.push(performance.now() - start);
    }
  }
  return Object.fromEntries(names.map((name) => [name, summarise(samples[name]!, allocated[name]!)]));
}

/** Median over the rounds both ran of `a[round] / b[round]`. */
function roundRatio(a: Timing, b: Timing): number {
  const rounds = Math.min(a.samples.length, b.samples.length);
  return median(a.samples.slice(0, rounds).map((value, round) => value / (b.samples[round] as number)));
}

/** Σ e^{-|x|}: the exponential the sigmoid kernels evaluate per element, and nothing else. */
function exponentialFloor(input: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < input.length; index++) {
    const x = input[index] as number;
    sum += fastExp(x >= 0 ? -x : x);
  }
  return sum;
}

const mulberry = mulberry32;

const format = (milliseconds: number) => milliseconds.toFixed(1);
const megabytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const timing = (t: Timing) => `${format(t.median)} ms [${format(t.min)}-${format(t.max)}]`;

interface ShapeCase {
  readonly name: string;
  readonly shape: number[];
  readonly labels: boolean;
  readonly activations: Array<'sigmoid' | 'softmax' | 'none'>;
}

const cases: ShapeCase[] = [
  { name: 'A', shape: [4, 1, 256, 256], labels: false, activations: ['none', 'sigmoid'] },
  { name: 'B-labels', shape: [2, 4, 96, 96, 96], labels: true, activations: ['softmax', 'sigmoid'] },
  { name: 'B-dense', shape: [2, 4, 96, 96, 96], labels: false, activations: ['none', 'softmax', 'sigmoid'] },
  { name: 'C', shape: [1, 1, 512, 512, 256], labels: false, activations: ['none', 'sigmoid'] },
];

console.log(`@dicekit/typed-arrays bench: kernel path '${kernelPath()}', node ${process.version}, ${runs} runs each`);
console.log("forward = loss only; fwd+grad = loss and gradient into a preallocated Float32Array; input Float32Array logits (activation 'none': Float32Array probabilities in [0, 1))");
console.log('copy = Float32Array.prototype.set of the same element count (bandwidth counts bytes read + written)\n');

const rows: string[][] = [];
for (const shapeCase of cases) {
  if (!selectedShapes.some((name) => shapeCase.name.startsWith(name))) continue;
  const [batch, channels, ...spatial] = shapeCase.shape as [number, number, ...number[]];
  const voxels = spatial.reduce((a, b) => a * b, 1);
  const elements = batch * channels * voxels;
  const next = mulberry(42);
  const logits = new Float32Array(elements);
  for (let index = 0; index < elements; index++) logits[index] = next() * 8 - 5;
  // activation 'none' takes probabilities: uniform in [0, 1) (no exponential anywhere: the memory-bound path).
  let probabilities: Float32Array | null = null;
  if (shapeCase.activations.includes('none')) {
    probabilities = new Float32Array(elements);
    for (let index = 0; index < elements; index++) probabilities[index] = next();
  }
  let target: Float32Array | Uint8Array;
  if (shapeCase.labels) {
    target = new Uint8Array(batch * voxels);
    for (let index = 0; index < target.length; index++) target[index] = Math.floor(next() * channels);
  } else if (channels === 1) {
    target = new Float32Array(elements);
    for (let index = 0; index < elements; index++) target[index] = next() < 0.3 ? 1 : 0;
  } else {
    target = new Float32Array(elements);
    for (let n = 0; n < batch; n++) {
      for (let v = 0; v < voxels; v++) target[(n * channels + Math.floor(next() * channels)) * voxels + v] = 1;
    }
  }
  const targetTensor = { shape: shapeCase.labels ? [batch, ...spatial] : shapeCase.shape, data: target };
  const destination = new Float32Array(elements);
  const gradient = new Float32Array(elements);
  // The same arrays in kernel memory, read in place.
  const memory = kernelMemory();
  const inputInPlace = memory.float32(elements);
  const targetInPlace = target instanceof Uint8Array ? memory.uint8(target.length) : memory.float32(target.length);
  targetInPlace.set(target);
  const gradientInPlace = memory.float32(elements);
  const targetInPlaceTensor = { shape: targetTensor.shape, data: targetInPlace };
  const floor = await readFloor(elements);
  console.log(`${shapeCase.name} ${JSON.stringify(shapeCase.shape)} ${shapeCase.labels ? 'uint8 labels' : 'float32 dense target'}: ${elements} elements`);
  for (const activation of shapeCase.activations) {
    const input = activation === 'none' ? (probabilities as Float32Array) : logits;
    inputInPlace.set(input);
    const inputTensor = { shape: shapeCase.shape, data: input };
    const inPlaceTensor = { shape: shapeCase.shape, data: inputInPlace };
    const options = { activation, targetFormat: shapeCase.labels ? ('labels' as const) : ('dense' as const) };
    const problem: NaiveProblem = { input, target, labels: shapeCase.labels, batch, channels, voxels, activation };
    // Same values as the float64 reference (a correctness guard on the measured configuration).
    if (elements <= 2e7) {
      const reference = coreComputeLoss('dice', inputTensor, targetTensor, options).loss.data[0] as number;
      const ours = computeLoss('dice', inputTensor, targetTensor, options).loss.data[0] as number;
      const inPlace = computeLoss('dice', inPlaceTensor, targetInPlaceTensor, options).loss.data[0] as number;
      const naive = naiveDice(problem, false).loss;
      if (Math.abs(ours - reference) > 1e-9 * Math.abs(reference)) throw new Error(`kernel ${ours} differs from core ${reference}`);
      if (inPlace !== ours) throw new Error(`kernel memory ${inPlace} differs from ordinary arrays ${ours}`);
      if (Math.abs(naive - reference) > 1e-6 * Math.abs(reference)) throw new Error(`naive ${naive} differs from core ${reference}`);
    }
    const onThreads = (threads: number, run: () => unknown) => () => {
      setKernelThreads(threads);
      return run();
    };
    const timings = measureInterleaved({
      copy: () => destination.set(input),
      readFloor1: () => floor.one(),
      readFloor2: () => floor.two(),
      // What limits the logit kernels: one fastExp per element and nothing else (not run for 'none').
      exponentials: activation === 'none' ? () => 0 : () => exponentialFloor(input),
      forward: onThreads(1, () => computeLoss('dice', inputTensor, targetTensor, options)),
      backward: onThreads(1, () => computeLoss('dice', inputTensor, targetTensor, options, { gradient })),
      forward2: onThreads(2, () => computeLoss('dice', inputTensor, targetTensor, options)),
      backward2: onThreads(2, () => computeLoss('dice', inputTensor, targetTensor, options, { gradient })),
      forwardInPlace1: onThreads(1, () => computeLoss('dice', inPlaceTensor, targetInPlaceTensor, options)),
      backwardInPlace1: onThreads(1, () => computeLoss('dice', inPlaceTensor, targetInPlaceTensor, options, { gradient: gradientInPlace })),
      forwardInPlace2: onThreads(2, () => computeLoss('dice', inPlaceTensor, targetInPlaceTensor, options)),
      backwardInPlace2: onThreads(2, () => computeLoss('dice', inPlaceTensor, targetInPlaceTensor, options, { gradient: gradientInPlace })),
      naiveForward: () => naiveDice(problem, false),
      naiveBackward: () => naiveDice(problem, true),
    }, runs, elements > 3e7 ? { naiveForward: Math.min(runs, 3), naiveBackward: Math.min(runs, 3) } : {});
    const t = timings as Record<string, Timing>;
    const copy = t.copy as Timing;
    const bandwidth = (2 * 4 * elements) / (copy.median / 1000);
    const exponentialRatio = activation === 'none' ? '-' : `${roundRatio(t.exponentials as Timing, copy).toFixed(2)}x`;
    const floorText = `${roundRatio(t.readFloor1 as Timing, copy).toFixed(2)}x / ${roundRatio(t.readFloor2 as Timing, copy).toFixed(2)}x`;
    console.log(
      `  ${activation}: copy ${timing(copy)} (${(bandwidth / 1e9).toFixed(2)} GB/s read+write); read-only floor 1 / 2 threads ${timing(t.readFloor1 as Timing)} / ${timing(
        t.readFloor2 as Timing,
      )} = ${floorText} copy; one fastExp per element alone ${timing(t.exponentials as Timing)} = ${exponentialRatio} copy`,
    );
    for (const [mode, naive, variants] of [
      ['forward', t.naiveForward, [['ordinary arrays, 1 thread', t.forward], ['ordinary arrays, 2 threads', t.forward2], ['kernel memory, 1 thread', t.forwardInPlace1], ['kernel memory, 2 threads', t.forwardInPlace2]]],
      ['fwd+grad', t.naiveBackward, [['ordinary arrays, 1 thread', t.backward], ['ordinary arrays, 2 threads', t.backward2], ['kernel memory, 1 thread', t.backwardInPlace1], ['kernel memory, 2 threads', t.backwardInPlace2]]],
    ] as const) {
      for (const [arrays, ours] of variants) {
        rows.push([
          shapeCase.name,
          activation,
          mode,
          arrays,
          timing(ours as Timing),
          `${format(copy.median)} ms (${(bandwidth / 1e9).toFixed(1)} GB/s)`,
          `${roundRatio(ours as Timing, copy).toFixed(2)}x`,
          floorText,
          exponentialRatio,
          timing(naive as Timing),
          `${roundRatio(naive as Timing, ours as Timing).toFixed(1)}x`,
          megabytes((ours as Timing).allocated),
          megabytes((naive as Timing).allocated),
        ]);
        console.log(
          `  ${activation} ${mode}, ${arrays}: ${timing(ours as Timing)} = ${roundRatio(ours as Timing, copy).toFixed(2)}x copy; naive ${timing(naive as Timing)} = ${roundRatio(
            naive as Timing,
            ours as Timing,
          ).toFixed(1)}x slower; held after call: kernel ${megabytes((ours as Timing).allocated)}, naive ${megabytes((naive as Timing).allocated)}`,
        );
      }
    }
  }
  setKernelThreads(1);
  floor.close();
  memory.free(inputInPlace);
  memory.free(targetInPlace);
  memory.free(gradientInPlace);
}

console.log('\nratios: median over rounds of the per-round ratio (each round runs every task once)');
console.log('| shape | activation | mode | arrays | kernel median [min-max] | copy median | kernel / copy | read floor / copy (1 / 2 threads) | exp-only / copy | naive median [min-max] | naive / kernel | kernel held | naive held |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
console.log(`\npeak RSS of this process: ${megabytes(process.resourceUsage().maxRSS * 1024)}`);
