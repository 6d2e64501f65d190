import * as core from '@dicekit/core';
import { describe, expect, it } from 'vitest';
import { computeLoss, kernelPath } from '../index.js';

// For probabilities (activation 'none') the WebAssembly SIMD kernel and the JavaScript kernel give the
// same bits. For sigmoid they no longer do: the SIMD kernel evaluates e^{-|x|} in float32 (four lanes,
// about 1.2e-7 relative per element) where JavaScript uses the float64 table-driven fastExp, so the
// test holds each path to core's float64 reference instead (sums still accumulate in float64).

function problem(shape: number[], seed: number, activation: 'sigmoid' | 'none') {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const size = shape.reduce((a, b) => a * b, 1);
  const input = Float32Array.from({ length: size }, () => (activation === 'sigmoid' ? (next() * 2 - 1) * (next() < 0.05 ? 800 : 7) : next()));
  const target = Float32Array.from({ length: size }, () => (next() < 0.5 ? (next() < 0.4 ? 1 : 0) : next()));
  return { input: { shape, data: input }, target: { shape, data: target } };
}

/** The largest error over its allowance `absolute + relative·|expected|` (at most 1 passes). */
function excess(ours: ArrayLike<number>, theirs: ArrayLike<number>, absolute: number, relative: number): number {
  let largest = 0;
  for (let index = 0; index < theirs.length; index++) {
    const value = theirs[index] as number;
    largest = Math.max(largest, Math.abs((ours[index] as number) - value) / (absolute + relative * Math.abs(value)));
  }
  return largest;
}

describe('WebAssembly SIMD and JavaScript kernels', () => {
  it('instantiates here (Node 20 has WebAssembly SIMD)', () => {
    expect(kernelPath()).toBe('webassembly-simd');
  });
  const shapes = [[1, 1, 5], [2, 3, 7, 9], [1, 1, 4096], [1, 2, 4097], [2, 1, 70001], [1, 1, 131073]];
  for (const activation of ['sigmoid', 'none'] as const) {
    for (const reduction of ['mean', 'none'] as const) {
      for (const shape of shapes) {
        it(`${activation}, ${reduction}, ${JSON.stringify(shape)}: ${activation === 'none' ? 'same bits, ' : ''}core's values`, () => {
          const { input, target } = problem(shape, shape.reduce((a, b) => a + b, 7), activation);
          const options = { activation, reduction };
          const wasmGradient = new Float32Array(input.data.length);
          const jsGradient = new Float32Array(input.data.length).fill(Number.NaN);
          const viaWasm = computeLoss('dice', input, target, options, { gradient: wasmGradient });
          const viaJs = computeLoss('dice', input, target, options, { gradient: jsGradient, kernel: 'javascript' });
          if (activation === 'none') {
            expect(Array.from(viaWasm.loss.data)).toEqual(Array.from(viaJs.loss.data));
            expect(Array.from(viaWasm.statistics.intersection)).toEqual(Array.from(viaJs.statistics.intersection));
            expect(Array.from(viaWasm.statistics.prediction)).toEqual(Array.from(viaJs.statistics.prediction));
            expect(Buffer.from(wasmGradient.buffer).equals(Buffer.from(jsGradient.buffer))).toBe(true);
          }
          const reference = core.computeLoss('dice', input, target, options, { gradient: true });
          // Largest error over the allowance (<= 1 passes). Loss: the float64 tolerance (1e-9 relative)
          // for the exact paths, 1e-7 relative for the float32 exponential of the SIMD sigmoid (per-element
          // errors <= 1.2e-7 that partly cancel in the sums). Gradient: one float32 rounding (2e-7) for the
          // exact paths; for the SIMD sigmoid, the exponential's error plus that rounding (3e-7), plus
          // 1e-9 of the largest gradient: its sums differ from core's by ~1e-11 relative, and where
          // constant + slope·t nearly cancels (soft targets) that difference dominates the element.
          const float32Exponential = activation === 'sigmoid';
          const gradientReference = reference.gradient?.data ?? [];
          expect(excess(viaWasm.loss.data, reference.loss.data, 1e-12, float32Exponential ? 1e-7 : 1e-9)).toBeLessThanOrEqual(1);
          expect(excess(viaJs.loss.data, reference.loss.data, 1e-12, 1e-9)).toBeLessThanOrEqual(1);
          const largestGradient = Array.from(gradientReference).reduce((a, b) => Math.max(a, Math.abs(b)), 0);
          const gradientFloor = float32Exponential ? 1e-30 + 1e-9 * largestGradient : 1e-30;
          expect(excess(wasmGradient, gradientReference, gradientFloor, float32Exponential ? 3e-7 : 2e-7)).toBeLessThanOrEqual(1);
          expect(excess(jsGradient, gradientReference, 1e-30, 2e-7)).toBeLessThanOrEqual(1);
        });
      }
    }
  }
  it('raises core error codes from the WebAssembly path', () => {
    const shape = [1, 1, 10];
    const bad = Float32Array.from({ length: 10 }, (_, index) => (index === 6 ? Number.NaN : 0.5));
    const target = { shape, data: new Float32Array(10) };
    expect(() => computeLoss('dice', { shape, data: bad }, target, { activation: 'sigmoid' })).toThrow(/E_NONFINITE/);
    const outside = Float32Array.from({ length: 10 }, (_, index) => (index === 3 ? 1.25 : 0.5));
    expect(() => computeLoss('dice', { shape, data: outside }, target)).toThrow(/E_VALUE/);
    const badTarget = { shape, data: Float32Array.from({ length: 10 }, (_, index) => (index === 9 ? 2 : 0)) };
    expect(() => computeLoss('dice', { shape, data: new Float32Array(10) }, badTarget)).toThrow(/E_VALUE/);
  });
});

describe('WebAssembly SIMD softmax kernels', () => {
  // Float32 exponentials (about one float32 ulp each), float64 everything after: each path is held to
  // core's float64 reference. Shapes cover one chunk, several chunks (4096 voxels per chunk at C = 4),
  // a chunk tail of 1-3 voxels (run in JavaScript) and C = 2, 3, 5.
  const shapes: Array<[number, number, number[]]> = [
    [2, 4, [7, 9]],
    [1, 3, [4097]],
    [2, 4, [20001]],
    [1, 2, [9, 1000]],
    [3, 5, [33]],
  ];
  function softmaxProblem(batch: number, channels: number, spatial: number[], layout: 'channels-first' | 'channels-last', seed: number) {
    let state = seed;
    const next = () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state / 2147483648;
    };
    const voxels = spatial.reduce((a, b) => a * b, 1);
    const shape = layout === 'channels-first' ? [batch, channels, ...spatial] : [batch, ...spatial, channels];
    // Logits up to ±40 (exponentials down to e^-80) with a few far larger ones.
    const input = Float32Array.from({ length: batch * channels * voxels }, () => (next() * 2 - 1) * (next() < 0.02 ? 40 : 6));
    const labels = Int32Array.from({ length: batch * voxels }, () => Math.floor(next() * channels));
    const dense = new Float32Array(input.length);
    for (let sample = 0; sample < batch; sample++) {
      for (let voxel = 0; voxel < voxels; voxel++) {
        const label = labels[sample * voxels + voxel] as number;
        const index = layout === 'channels-first' ? (sample * channels + label) * voxels + voxel : (sample * voxels + voxel) * channels + label;
        dense[index] = next() < 0.9 ? 1 : 0.5;
      }
    }
    return { input: { shape, data: input }, labels: { shape: [batch, ...spatial], data: labels }, dense: { shape, data: dense } };
  }
  for (const layout of ['channels-first', 'channels-last'] as const) {
    for (const targetFormat of ['labels', 'dense'] as const) {
      for (const [batch, channels, spatial] of shapes) {
        it(`${layout}, ${targetFormat}, N=${batch} C=${channels} ${JSON.stringify(spatial)}: core's loss within 1e-7, gradient within 3e-7 (+1e-6 of the largest)`, () => {
          const problem = softmaxProblem(batch, channels, spatial, layout, batch * 31 + channels * 7 + (spatial[0] as number));
          const target = targetFormat === 'labels' ? problem.labels : problem.dense;
          const options = { activation: 'softmax', targetFormat, layout, reduction: 'none' } as const;
          const gradient = new Float32Array(problem.input.data.length).fill(Number.NaN);
          const ours = computeLoss('dice', problem.input, target, options, { gradient });
          const reference = core.computeLoss('dice', problem.input, target, options, { gradient: true });
          expect(excess(ours.loss.data, reference.loss.data, 1e-12, 1e-7)).toBeLessThanOrEqual(1);
          const referenceGradient = reference.gradient?.data ?? [];
          const largest = Array.from(referenceGradient).reduce((a, b) => Math.max(a, Math.abs(b)), 0);
          // dx_c = p_c (g_c - Σ g_j p_j): each p carries up to ~2.5e-7 relative (its exponential and the
          // sum's), and where g_c - Σ g_j p_j nearly cancels that error is relative to the voxel's largest
          // term, not to the element: hence a floor of 1e-6 of the largest gradient.
          expect(excess(gradient, referenceGradient, 1e-30 + 1e-6 * largest, 3e-7)).toBeLessThanOrEqual(1);
          // Not the float64 JavaScript path: its error would be ~1e-15.
          const exact = computeLoss('dice', problem.input, target, options, { kernel: 'javascript' });
          expect(excess(exact.loss.data, reference.loss.data, 1e-15, 1e-12)).toBeLessThanOrEqual(1);
        });
      }
    }
  }
  it('reads Uint8Array and Uint16Array label maps like Int32Array ones', () => {
    const problem = softmaxProblem(2, 4, [3001], 'channels-last', 5);
    const options = { activation: 'softmax', targetFormat: 'labels', layout: 'channels-last' } as const;
    const wide = computeLoss('dice', problem.input, problem.labels, options);
    for (const narrow of [Uint8Array.from(problem.labels.data), Uint16Array.from(problem.labels.data)]) {
      const result = computeLoss('dice', problem.input, { shape: problem.labels.shape, data: narrow }, options);
      expect(result.loss.data[0]).toBe(wide.loss.data[0]);
    }
  });
  it('a Float64Array gradient buffer keeps the float64 JavaScript path', () => {
    const problem = softmaxProblem(1, 3, [4097], 'channels-first', 9);
    const options = { activation: 'softmax', targetFormat: 'labels' } as const;
    const gradient = new Float64Array(problem.input.data.length);
    const ours = computeLoss('dice', problem.input, problem.labels, options, { gradient });
    const reference = core.computeLoss('dice', problem.input, problem.labels, options, { gradient: true });
    expect(excess(ours.loss.data, reference.loss.data, 1e-15, 1e-12)).toBeLessThanOrEqual(1);
    expect(excess(gradient, reference.gradient?.data ?? [], 1e-15, 1e-9)).toBeLessThanOrEqual(1);
  });
  const bad: Array<[string, (data: ReturnType<typeof softmaxProblem>) => void, 'labels' | 'dense', string]> = [
    ['a NaN logit in the SIMD body', (problem) => (problem.input.data[4 * 100 + 2] = Number.NaN), 'labels', 'E_NONFINITE'],
    ['an Infinity logit in a chunk tail', (problem) => (problem.input.data[problem.input.data.length - 1] = Infinity), 'labels', 'E_NONFINITE'],
    ['a label equal to C', (problem) => (problem.labels.data[777] = 4), 'labels', 'E_LABEL'],
    ['a negative label', (problem) => (problem.labels.data[5000] = -1), 'labels', 'E_LABEL'],
    ['a dense target above 1', (problem) => (problem.dense.data[4 * 321] = 1.5), 'dense', 'E_VALUE'],
    ['a NaN dense target', (problem) => (problem.dense.data[4 * 4100 + 3] = Number.NaN), 'dense', 'E_NONFINITE'],
  ];
  for (const [what, spoil, targetFormat, code] of bad) {
    it(`${what} raises ${code}`, () => {
      const problem = softmaxProblem(1, 4, [8195], 'channels-last', 3);
      spoil(problem);
      const target = targetFormat === 'labels' ? problem.labels : problem.dense;
      let caught: unknown = null;
      try {
        computeLoss('dice', problem.input, target, { activation: 'softmax', targetFormat, layout: 'channels-last' }, { gradient: true });
      } catch (error) {
        caught = error;
      }
      expect(core.isDiceKitError(caught) ? caught.code : caught).toBe(code);
    });
  }
});

describe('WebAssembly SIMD kernels with label-map targets (sigmoid and probabilities)', () => {
  const shapes = [[1, 1, 5], [2, 3, 7, 9], [1, 1, 131073], [2, 4, 20001]];
  for (const activation of ['sigmoid', 'none'] as const) {
    for (const shape of shapes) {
      it(`${activation}, ${JSON.stringify(shape)}: ${activation === 'none' ? 'same bits as JavaScript, ' : ''}core's values`, () => {
        const { input } = problem(shape, shape.reduce((a, b) => a + b, 11), activation);
        const [batch, channels] = shape as [number, number];
        const voxels = shape.slice(2).reduce((a, b) => a * b, 1);
        const upper = channels === 1 ? 2 : channels;
        const labels = { shape: [batch, ...shape.slice(2)], data: Uint8Array.from({ length: batch * voxels }, (_, index) => (index * 7919) % 13 % upper) };
        const options = { activation, targetFormat: 'labels', reduction: 'none' } as const;
        const wasmGradient = new Float32Array(input.data.length);
        const jsGradient = new Float32Array(input.data.length);
        const viaWasm = computeLoss('dice', input, labels, options, { gradient: wasmGradient });
        const viaJs = computeLoss('dice', input, labels, options, { gradient: jsGradient, kernel: 'javascript' });
        if (activation === 'none') {
          expect(Array.from(viaWasm.statistics.intersection)).toEqual(Array.from(viaJs.statistics.intersection));
          expect(Array.from(viaWasm.statistics.target)).toEqual(Array.from(viaJs.statistics.target));
          expect(Buffer.from(wasmGradient.buffer).equals(Buffer.from(jsGradient.buffer))).toBe(true);
        }
        const reference = core.computeLoss('dice', input, labels, options, { gradient: true });
        const relative = activation === 'sigmoid' ? 1e-7 : 1e-12;
        reference.loss.data.forEach((value, index) => {
          expect(Math.abs((viaWasm.loss.data[index] as number) - value)).toBeLessThanOrEqual(1e-12 + relative * Math.abs(value));
        });
        const referenceGradient = reference.gradient?.data ?? [];
        const largest = Array.from(referenceGradient).reduce((a, b) => Math.max(a, Math.abs(b)), 0);
        referenceGradient.forEach((value, index) => {
          expect(Math.abs((wasmGradient[index] as number) - value)).toBeLessThanOrEqual(1e-9 * largest + 3e-7 * Math.abs(value));
        });
      });
    }
  }
  it('a label outside [0, C) in the SIMD body raises E_LABEL', () => {
    const shape = [1, 3, 1000];
    const labels = Int32Array.from({ length: 1000 }, (_, index) => (index === 401 ? 3 : index % 3));
    expect(() => computeLoss('dice', { shape, data: new Float32Array(3000) }, { shape: [1, 1000], data: labels }, { activation: 'sigmoid', targetFormat: 'labels' })).toThrow(/E_LABEL/);
    const binary = Int32Array.from({ length: 1000 }, (_, index) => (index === 402 ? 2 : index % 2));
    expect(() => computeLoss('dice', { shape: [1, 1, 1000], data: new Float32Array(1000).fill(0.5) }, { shape: [1, 1000], data: binary }, { targetFormat: 'labels' })).toThrow(/E_LABEL/);
  });
});
