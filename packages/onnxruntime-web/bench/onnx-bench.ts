// pnpm bench: forward and forward+gradient of the Dice loss through this package's graphs, against a
// naive ONNX graph (Mul + three float32 ReduceSum) and the typed-arrays kernels, with session
// creation and the input copy into the wasm heap reported on their own. Ratios are same-run medians.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { computeLoss as coreComputeLoss, mulberry32, type LossName, type LossOptions, type TensorLike } from '@dicekit/core';
import { encodeModel } from '../src/onnx/onnx-model.js';
import { runLoss } from '../src/runtime/run-loss.js';
import { SessionCache } from '../src/runtime/session-cache.js';
import { buildInputCopyGraph, buildNaiveDiceGraph } from './naive-graph.js';

const threads = Number(process.env.ORT_THREADS ?? '1');
ort.env.wasm.numThreads = threads;
const onlyShapes = process.env.BENCH_SHAPES?.split(',');
/** BENCH_REPEATS overrides every shape's number of interleaved rounds. */
const repeatOverride = process.env.BENCH_REPEATS === undefined ? null : Number(process.env.BENCH_REPEATS);

type KernelLoss = (loss: LossName, input: TensorLike, target: TensorLike, options: LossOptions, settings: { gradient: boolean }) => unknown;

async function typedArraysKernel(): Promise<{ name: string; compute: KernelLoss }> {
  try {
    // Adapters never depend on each other: resolve the workspace's typed-arrays from the repository root.
    const require = createRequire(join(process.cwd(), '..', '..', 'package.json'));
    const path = require.resolve('@dicekit/typed-arrays');
    const module = (await import(path.endsWith('.ts') ? path : path)) as { computeLoss: KernelLoss };
    return { name: 'typed-arrays', compute: module.computeLoss };
  } catch {
    return { name: 'core (typed-arrays not found)', compute: (loss, input, target, options, settings) => coreComputeLoss(loss, input, target, options, settings) };
  }
}

const random = mulberry32;

interface Timing {
  median: number;
  min: number;
  max: number;
}

/** Runs every contender once per round, round after round, so load drift hits them alike. */
async function timeInterleaved(repeats: number, contenders: Record<string, () => Promise<unknown> | unknown>): Promise<Record<string, Timing>> {
  const samples: Record<string, number[]> = {};
  for (const run of Object.values(contenders)) await run();
  for (let round = 0; round < repeats; round++) {
    for (const [name, run] of Object.entries(contenders)) {
      const started = performance.now();
      await run();
      (samples[name] ??= []).push(performance.now() - started);
    }
  }
  const result: Record<string, Timing> = {};
  for (const [name, list] of Object.entries(samples)) {
    list.sort((a, b) => a - b);
    result[name] = { median: list[Math.floor(list.length / 2)] as number, min: list[0] as number, max: list[list.length - 1] as number };
  }
  return result;
}

const format = (timing: Timing) => `${timing.median.toFixed(1)} ms (${timing.min.toFixed(1)}-${timing.max.toFixed(1)})`;

interface Shape {
  /** BENCH_SHAPES key: A, B-dense, B-labels, B-labels-probabilities, C. */
  key: string;
  name: string;
  shape: number[];
  labels: boolean;
  options: LossOptions;
  repeats: number;
}

const shapes: Shape[] = [
  { key: 'A', name: 'A [4,1,256,256] binary, probabilities', shape: [4, 1, 256, 256], labels: false, options: {}, repeats: 15 },
  { key: 'B-dense', name: 'B [2,4,96,96,96] dense probabilities', shape: [2, 4, 96, 96, 96], labels: false, options: {}, repeats: 9 },
  { key: 'B-labels-probabilities', name: 'B [2,4,96,96,96] probabilities, int32 labels', shape: [2, 4, 96, 96, 96], labels: true, options: { targetFormat: 'labels' }, repeats: 9 },
  { key: 'B-labels', name: 'B [2,4,96,96,96] softmax logits, int32 labels', shape: [2, 4, 96, 96, 96], labels: true, options: { activation: 'softmax', targetFormat: 'labels' }, repeats: 9 },
  { key: 'C', name: 'C [1,1,512,512,256] binary, probabilities', shape: [1, 1, 512, 512, 256], labels: false, options: {}, repeats: 3 },
];

const kernel = await typedArraysKernel();
console.log(`onnxruntime-web ${ort.env.versions.web} wasm EP, ${threads} thread(s); kernels: ${kernel.name}; Node ${process.version}`);
for (const item of shapes) {
  // BENCH_SHAPES=A,B selects by prefix (every B case); a full key (B-dense, B-labels, ...) picks one.
  if (onlyShapes !== undefined && !onlyShapes.some((prefix) => prefix === item.key || item.name.startsWith(prefix))) continue;
  const size = item.shape.reduce((a, b) => a * b, 1);
  const draw = random(1);
  const spatial = item.shape.slice(2);
  const voxelCount = spatial.reduce((a, b) => a * b, 1) * (item.shape[0] as number);
  const input = Float32Array.from({ length: size }, () => (item.options.activation === 'softmax' ? draw() * 8 - 4 : draw()));
  const target = item.labels
    ? Int32Array.from({ length: voxelCount }, () => Math.floor(draw() * (item.shape[1] as number)))
    : Float32Array.from({ length: size }, () => (draw() < 0.3 ? 1 : 0));
  const targetShape = item.labels ? [item.shape[0] as number, ...spatial] : item.shape;
  const inputTensor = new ort.Tensor('float32', input, item.shape);
  const targetTensor = item.labels ? new ort.Tensor('int32', target as Int32Array, targetShape) : new ort.Tensor('float32', target as Float32Array, targetShape);
  const tensors = { input: inputTensor, target: targetTensor, mask: null };
  const { mask: _unused, ...options } = item.options;

  const cache = new SessionCache(ort);
  const creationStart = performance.now();
  await runLoss(cache, 'dice', options, tensors, { gradient: true, checkData: true });
  const firstCall = performance.now() - creationStart;
  const creation = cache.creationMilliseconds;

  const copySession = await ort.InferenceSession.create(encodeModel({ graph: buildInputCopyGraph(spatial.length, item.labels) }));
  const hostInput = { shape: item.shape, data: input };
  const hostTarget = { shape: targetShape, data: target };
  const contenders: Record<string, () => Promise<unknown> | unknown> = {
    'input copy into the wasm heap (graph reading input+target only)': () => copySession.run({ input: inputTensor, target: targetTensor }),
    'onnx forward, graphs only (checks off)': () => runLoss(cache, 'dice', options, tensors, { gradient: false, checkData: false }),
    'onnx forward (host data checks + graph)': () => runLoss(cache, 'dice', options, tensors, { gradient: false, checkData: true, dataChecks: 'host' }),
    'onnx forward (data checks fused in the graph)': () => runLoss(cache, 'dice', options, tensors, { gradient: false, checkData: true, dataChecks: 'graph' }),
    'onnx forward+gradient': () => runLoss(cache, 'dice', options, tensors, { gradient: true, checkData: true }),
    [`${kernel.name} forward`]: () => kernel.compute('dice', hostInput, hostTarget, item.options, { gradient: false }),
    [`${kernel.name} forward+gradient`]: () => kernel.compute('dice', hostInput, hostTarget, item.options, { gradient: true }),
  };
  const naiveSessions: ort.InferenceSession[] = [];
  // Labels: the naive graph takes the int32 label map (Equal one-hot); softmax logits through the Softmax op.
  const naiveSettings = { labels: item.labels, softmax: item.options.activation === 'softmax' };
  const withNaive = item.options.activation === undefined || item.options.activation === 'softmax';
  if (withNaive) {
    const naiveForward = await ort.InferenceSession.create(encodeModel({ graph: buildNaiveDiceGraph(spatial.length, false, naiveSettings) }));
    const naiveBackward = await ort.InferenceSession.create(encodeModel({ graph: buildNaiveDiceGraph(spatial.length, true, naiveSettings) }));
    naiveSessions.push(naiveForward, naiveBackward);
    contenders['naive graph forward'] = () => naiveForward.run({ input: inputTensor, target: targetTensor });
    contenders['naive graph forward+gradient'] = () => naiveBackward.run({ input: inputTensor, target: targetTensor });
  }
  const repeats = repeatOverride ?? item.repeats;
  const timings = await timeInterleaved(repeats, contenders);
  const at = (name: string) => timings[name] as Timing;
  const hostChecked = at('onnx forward (host data checks + graph)');
  const fused = at('onnx forward (data checks fused in the graph)');
  const forward = fused.median <= hostChecked.median ? fused : hostChecked;
  const backward = at('onnx forward+gradient');
  const kernelForward = at(`${kernel.name} forward`);
  const kernelBackward = at(`${kernel.name} forward+gradient`);

  console.log(`\n${item.name} (${(size / 1e6).toFixed(2)}M elements, ${repeats} interleaved repeats)`);
  console.log(`  session creation (statistics + gradient graphs): ${creation.toFixed(1)} ms; first call in all ${firstCall.toFixed(1)} ms`);
  const rows = Object.entries(timings);
  {
    // Accuracy of the statistics themselves (every (n, c) group: V voxels summed) against core's float64.
    const reference = coreComputeLoss('dice', hostInput, hostTarget, item.options, { gradient: false }).statistics;
    const ours = (await runLoss(cache, 'dice', options, tensors, { gradient: false, checkData: true })).statistics;
    let worst = 0;
    for (const field of ['intersection', 'prediction', 'target'] as const) {
      const expected = reference[field];
      const actual = ours[field];
      for (let index = 0; index < expected.length; index++) {
        const scale = Math.abs(expected[index] as number);
        if (scale > 0) worst = Math.max(worst, Math.abs((actual[index] as number) - (expected[index] as number)) / scale);
      }
    }
    console.log(`  statistics (${spatial.reduce((a, b) => a * b, 1)} voxels per (n, c) group): worst relative difference to core's float64 ${worst.toExponential(2)}`);
  }
  if (withNaive) {
    const naiveForward = naiveSessions[0] as ort.InferenceSession;
    const naiveValue = (await naiveForward.run({ input: inputTensor, target: targetTensor })).loss!.data[0] as number;
    const ours = (await runLoss(cache, 'dice', options, tensors, { gradient: false, checkData: false })).loss.data[0] as number;
    const reference = (kernel.compute('dice', hostInput, hostTarget, item.options, { gradient: false }) as { loss: { data: Float64Array } }).loss.data[0] as number;
    const naive = at('naive graph forward');
    console.log(`  loss: float64 kernels ${reference}; ours ${ours} (rel ${Math.abs(ours / reference - 1).toExponential(2)}); naive ${naiveValue} (rel ${Math.abs(naiveValue / reference - 1).toExponential(2)})`);
    console.log(
      `  ratio forward graphs-only / naive: ${(at('onnx forward, graphs only (checks off)').median / naive.median).toFixed(2)}; host checks / naive: ${(hostChecked.median / naive.median).toFixed(2)}; fused checks / naive: ${(fused.median / naive.median).toFixed(2)}; forward+gradient / naive: ${(backward.median / at('naive graph forward+gradient').median).toFixed(2)}`,
    );
    for (const session of naiveSessions) await session.release();
  }
  for (const [name, timing] of rows) console.log(`  ${name.padEnd(66)} ${format(timing)}`);
  console.log(`  ratio onnx / ${kernel.name}: forward (faster check variant) ${(forward.median / kernelForward.median).toFixed(2)}, forward+gradient ${(backward.median / kernelBackward.median).toFixed(2)}`);
  await copySession.release();
  await cache.dispose();
}
