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
          const excess = (ours: ArrayLike<number>, theirs: ArrayLike<number>, absolute: number, relative: number) => {
            let largest = 0;
            for (let index = 0; index < theirs.length; index++) {
              const value = theirs[index] as number;
              largest = Math.max(largest, Math.abs((ours[index] as number) - value) / (absolute + relative * Math.abs(value)));
            }
            return largest;
          };
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
