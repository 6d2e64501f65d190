import * as core from '@dicekit/core';
import { DiceKitError, type LossName } from '@dicekit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { computeLoss, kernelMemory, kernelThreads, setKernelThreads } from '../index.js';
import { decodeBase64, withoutSharedFlag } from '../wasm/wasm-kernel.js';
import { KERNEL_WASM_BASE64 } from '../wasm/kernel-bytes.js';
import { MEMORY_LAYOUT, WASM_LAYOUT } from '../wasm/layout.js';
import { parallelRuns, parallelThreshold } from '../threads/kernel-threads.js';
import { inPlaceJobs } from './zero-copy-pass.js';

// Arrays in kernel memory run the same kernels in place, split over worker threads: the results must
// be the bits of the copying path (the runs, chunks and order of additions are the same) whatever the
// thread count, and errors must surface the same way.

// The package's tsconfig has no DOM or WebAssembly value typings.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const WasmApi = (globalThis as unknown as { WebAssembly: any }).WebAssembly;

const generator = core.mulberry32;

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof DiceKitError) return error.code;
    throw error;
  }
  return 'no error';
}

type Target = 'dense' | 'uint8' | 'int32';
interface Case {
  readonly shape: number[];
  readonly activation: 'none' | 'sigmoid' | 'softmax';
  readonly target: Target;
  readonly layout: 'channels-first' | 'channels-last';
  readonly loss: LossName;
}

function data(testCase: Case, seed: number) {
  const next = generator(seed);
  const { shape, activation, target, layout } = testCase;
  const channels = layout === 'channels-first' ? (shape[1] as number) : (shape[shape.length - 1] as number);
  const size = shape.reduce((a, b) => a * b, 1);
  const input = Float32Array.from({ length: size }, () => (activation === 'none' ? next() : next() * 10 - 5));
  if (target === 'dense') {
    const values = Float32Array.from({ length: size }, () => (next() < 0.3 ? 1 : next() < 0.5 ? 0 : next()));
    return { input, target: values, targetShape: shape };
  }
  const labelShape = layout === 'channels-first' ? [shape[0] as number, ...shape.slice(2)] : shape.slice(0, -1);
  const labelCount = labelShape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: labelCount }, () => Math.floor(next() * (channels === 1 ? 2 : channels)));
  const labels = target === 'uint8' ? Uint8Array.from(values) : Int32Array.from(values);
  return { input, target: labels, targetShape: labelShape };
}

function placed<T extends Float32Array | Uint8Array | Int32Array>(array: T): T {
  const memory = kernelMemory();
  const copy = (array instanceof Float32Array ? memory.float32(array.length) : array instanceof Uint8Array ? memory.uint8(array.length) : memory.int32(array.length)) as T;
  copy.set(array as never);
  return copy;
}

const bits = (array: ArrayLike<number>) => Buffer.from(Float64Array.from(array).buffer).toString('base64');

const cases: Case[] = [
  { shape: [2, 1, 70001], activation: 'none', target: 'dense', layout: 'channels-first', loss: 'dice' },
  { shape: [2, 3, 50003], activation: 'sigmoid', target: 'dense', layout: 'channels-first', loss: 'tversky' },
  { shape: [3, 1, 40000], activation: 'sigmoid', target: 'uint8', layout: 'channels-first', loss: 'dice' },
  { shape: [2, 4, 33001], activation: 'sigmoid', target: 'int32', layout: 'channels-first', loss: 'jaccard' },
  { shape: [2, 4, 37, 997], activation: 'softmax', target: 'uint8', layout: 'channels-first', loss: 'dice' },
  { shape: [2, 3, 66667], activation: 'softmax', target: 'dense', layout: 'channels-first', loss: 'generalizedDice' },
  { shape: [2, 50001, 3], activation: 'softmax', target: 'int32', layout: 'channels-last', loss: 'dice' },
  { shape: [1, 3, 1, 11], activation: 'softmax', target: 'uint8', layout: 'channels-first', loss: 'dice' },
  { shape: [1, 1, 4099], activation: 'none', target: 'uint8', layout: 'channels-first', loss: 'dice' },
  // Rows of more than one stage (2^20 voxels) of the threaded copying path, with a tail.
  { shape: [1, 1, (1 << 20) + 4099], activation: 'sigmoid', target: 'dense', layout: 'channels-first', loss: 'dice' },
  { shape: [1, 2, (1 << 20) + 5], activation: 'none', target: 'int32', layout: 'channels-first', loss: 'dice' },
  // Softmax samples of several stages (2^20 elements), both layouts, with a tail.
  { shape: [2, 3, 350003], activation: 'softmax', target: 'dense', layout: 'channels-first', loss: 'dice' },
  { shape: [1, 350002, 4], activation: 'softmax', target: 'uint8', layout: 'channels-last', loss: 'jaccard' },
];

// Split calls from 2^16 elements on (the library waits for 2^21) so that small arrays reach the workers.
const threshold = parallelThreshold.elements;
parallelThreshold.elements = 1 << 16;
afterAll(() => {
  setKernelThreads(1);
  parallelThreshold.elements = threshold;
});

describe('arrays in kernel memory', () => {
  for (const testCase of cases) {
    const name = `${testCase.loss}, ${testCase.activation}, ${testCase.target} target, ${testCase.layout} ${JSON.stringify(testCase.shape)}`;
    it(`${name}: the copying path's bits on 1 and 2 threads, inputs untouched`, () => {
      const { input, target, targetShape } = data(testCase, testCase.shape.reduce((a, b) => a + b, 3));
      const options = { activation: testCase.activation, layout: testCase.layout, targetFormat: testCase.target === 'dense' ? 'dense' : 'labels', reduction: 'none' } as const;
      const expectedGradient = new Float32Array(input.length);
      setKernelThreads(1);
      const expected = computeLoss(testCase.loss, { shape: testCase.shape, data: input }, { shape: targetShape, data: target }, options, { gradient: expectedGradient });
      // The copying path is itself held to core's float64 reference (float32 exponentials).
      const reference = core.computeLoss(testCase.loss, { shape: testCase.shape, data: input }, { shape: targetShape, data: target }, options);
      expected.loss.data.forEach((value, index) => expect(Math.abs(value - (reference.loss.data[index] as number))).toBeLessThan(1e-7));
      const memory = kernelMemory();
      const inputInPlace = placed(input);
      const targetInPlace = placed(target);
      const gradient = memory.float32(input.length);
      try {
        for (const threads of [1, 2]) {
          expect(setKernelThreads(threads)).toBe(threads);
          gradient.fill(Number.NaN);
          const jobs = inPlaceJobs.count;
          const parallel = parallelRuns.count;
          const result = computeLoss(testCase.loss, { shape: testCase.shape, data: inputInPlace }, { shape: targetShape, data: targetInPlace }, options, { gradient });
          // Two in-place jobs (statistics, gradient), split over the threads when large enough.
          expect(inPlaceJobs.count - jobs).toBe(2);
          expect(parallelRuns.count - parallel).toBe(threads === 2 && input.length >= 1 << 16 ? 2 : 0);
          expect(bits(result.loss.data)).toBe(bits(expected.loss.data));
          expect(bits(result.statistics.intersection)).toBe(bits(expected.statistics.intersection));
          expect(bits(result.statistics.prediction)).toBe(bits(expected.statistics.prediction));
          expect(bits(result.statistics.target)).toBe(bits(expected.statistics.target));
          expect(Buffer.from(gradient.buffer, gradient.byteOffset, gradient.byteLength).equals(Buffer.from(expectedGradient.buffer))).toBe(true);
          expect(Buffer.from(inputInPlace.buffer, inputInPlace.byteOffset, inputInPlace.byteLength).equals(Buffer.from(input.buffer))).toBe(true);
          expect(Buffer.from(targetInPlace.buffer, targetInPlace.byteOffset, targetInPlace.byteLength).equals(Buffer.from(target.buffer))).toBe(true);
          // A gradient buffer outside kernel memory: statistics in place, gradient by the copying path.
          const outside = new Float32Array(input.length);
          computeLoss(testCase.loss, { shape: testCase.shape, data: inputInPlace }, { shape: targetShape, data: targetInPlace }, options, { gradient: outside });
          expect(Buffer.from(outside.buffer).equals(Buffer.from(expectedGradient.buffer))).toBe(true);
          // Ordinary arrays on the same thread count (staged through kernel memory on two threads).
          const ordinaryGradient = new Float32Array(input.length);
          const before = parallelRuns.count;
          const ordinary = computeLoss(testCase.loss, { shape: testCase.shape, data: input }, { shape: targetShape, data: target }, options, { gradient: ordinaryGradient });
          expect(bits(ordinary.loss.data)).toBe(bits(expected.loss.data));
          expect(bits(ordinary.statistics.intersection)).toBe(bits(expected.statistics.intersection));
          expect(Buffer.from(ordinaryGradient.buffer).equals(Buffer.from(expectedGradient.buffer))).toBe(true);
          // Staged: one split per stage, forward and gradient.
          const staged = threads === 2 && input.length >= 1 << 16;
          if (staged) expect(parallelRuns.count - before).toBeGreaterThanOrEqual(2);
          else expect(parallelRuns.count - before).toBe(0);
        }
      } finally {
        memory.free(inputInPlace);
        memory.free(targetInPlace);
        memory.free(gradient);
      }
    });
  }

  it('raises the data errors from either thread (E_NONFINITE, E_VALUE, E_LABEL) and accepts -0 and 1', () => {
    const shape = [1, 1, 600000];
    const memory = kernelMemory();
    const input = memory.float32(600000);
    const target = memory.float32(600000);
    const labels = memory.uint8(600000);
    try {
      input.fill(0.25);
      setKernelThreads(2);
      const run = (activation: 'none' | 'sigmoid') => computeLoss('dice', { shape, data: input }, { shape, data: target }, { activation });
      const runLabels = () => computeLoss('dice', { shape, data: input }, { shape: [1, 600000], data: labels }, { targetFormat: 'labels' });
      for (const at of [3, 299999, 599996]) {
        input[at] = Number.NaN;
        const parallel = parallelRuns.count;
        expect(codeOf(() => run('none'))).toBe('E_NONFINITE');
        expect(parallelRuns.count).toBe(parallel + 1);
        expect(codeOf(() => run('sigmoid'))).toBe('E_NONFINITE');
        input[at] = 1.0000001;
        expect(codeOf(() => run('none'))).toBe('E_VALUE');
        input[at] = -1e-40;
        expect(codeOf(() => run('none'))).toBe('E_VALUE');
        input[at] = -0;
        expect(codeOf(() => run('none'))).toBe('no error');
        input[at] = 1;
        expect(codeOf(() => run('none'))).toBe('no error');
        input[at] = 0.25;
        target[at] = Number.POSITIVE_INFINITY;
        expect(codeOf(() => run('none'))).toBe('E_NONFINITE');
        target[at] = 0;
        labels[at] = 2;
        expect(codeOf(runLabels)).toBe('E_LABEL');
        labels[at] = 1;
        expect(codeOf(runLabels)).toBe('no error');
      }
    } finally {
      memory.free(input);
      memory.free(target);
      memory.free(labels);
    }
  });

  it('refuses a gradient buffer overlapping an input in kernel memory, accepts separate ones', () => {
    const memory = kernelMemory();
    const block = memory.float32(2000);
    const input = block.subarray(0, 1000).fill(0.5);
    const target = memory.float32(1000);
    try {
      const shape = [1, 1, 1000];
      expect(codeOf(() => computeLoss('dice', { shape, data: input }, { shape, data: target }, {}, { gradient: block.subarray(500, 1500) }))).toBe('E_OPTION');
      expect(codeOf(() => computeLoss('dice', { shape, data: input }, { shape, data: target }, {}, { gradient: block.subarray(1000, 2000) }))).toBe('no error');
    } finally {
      memory.free(block);
      memory.free(target);
    }
  });
});

describe('setKernelThreads', () => {
  it('takes 1 to 8 and reports the count; refuses others with E_OPTION', () => {
    expect(setKernelThreads(2)).toBe(2);
    expect(kernelThreads()).toBe(2);
    expect(setKernelThreads(1)).toBe(1);
    expect(kernelThreads()).toBe(1);
    for (const bad of [0, 9, 1.5, Number.NaN]) expect(codeOf(() => setKernelThreads(bad))).toBe('E_OPTION');
  });
});

describe('the kernel module without shared memory', () => {
  it('instantiates on an ordinary memory once the shared flag is cleared, with the same results', () => {
    const bytes = withoutSharedFlag(decodeBase64(KERNEL_WASM_BASE64));
    expect(WasmApi.validate(bytes)).toBe(true);
    const memory = new WasmApi.Memory({ initial: MEMORY_LAYOUT.pages, maximum: MEMORY_LAYOUT.maximumPages });
    expect(memory.buffer).toBeInstanceOf(ArrayBuffer);
    const { exports } = new WasmApi.Instance(new WasmApi.Module(bytes), { env: { memory } });
    const floats = new Float32Array(memory.buffer);
    const next = generator(5);
    for (let index = 0; index < 64; index++) {
      floats[WASM_LAYOUT.input / 4 + index] = next();
      floats[WASM_LAYOUT.target / 4 + index] = next() < 0.5 ? 1 : 0;
    }
    const bad = (exports.forward_probability as (input: number, target: number, quads: number) => number)(WASM_LAYOUT.input, WASM_LAYOUT.target, 16);
    expect(bad).toBe(0);
    const lanes = new Float64Array(memory.buffer, WASM_LAYOUT.result, 12);
    let intersection = 0;
    let prediction = 0;
    for (let index = 0; index < 64; index++) {
      intersection += (floats[WASM_LAYOUT.input / 4 + index] as number) * (floats[WASM_LAYOUT.target / 4 + index] as number);
      prediction += floats[WASM_LAYOUT.input / 4 + index] as number;
    }
    expect(Math.abs(lanes[0]! + lanes[1]! + lanes[2]! + lanes[3]! - intersection)).toBeLessThan(1e-12);
    expect(Math.abs(lanes[4]! + lanes[5]! + lanes[6]! + lanes[7]! - prediction)).toBeLessThan(1e-12);
  });
});
