import * as core from '@dicekit/core';
import { describe, expect, it } from 'vitest';
import { computeLoss, kernelPath } from '../index.js';

// The WebAssembly SIMD kernel and the JavaScript kernel must give the same bits, and both agree with
// core's float64 reference.

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
        it(`${activation}, ${reduction}, ${JSON.stringify(shape)}: same bits, and core's values`, () => {
          const { input, target } = problem(shape, shape.reduce((a, b) => a + b, 7), activation);
          const options = { activation, reduction };
          const wasmGradient = new Float32Array(input.data.length);
          const jsGradient = new Float32Array(input.data.length).fill(Number.NaN);
          const viaWasm = computeLoss('dice', input, target, options, { gradient: wasmGradient });
          const viaJs = computeLoss('dice', input, target, options, { gradient: jsGradient, kernel: 'javascript' });
          expect(Array.from(viaWasm.loss.data)).toEqual(Array.from(viaJs.loss.data));
          expect(Array.from(viaWasm.statistics.intersection)).toEqual(Array.from(viaJs.statistics.intersection));
          expect(Array.from(viaWasm.statistics.prediction)).toEqual(Array.from(viaJs.statistics.prediction));
          expect(Buffer.from(wasmGradient.buffer).equals(Buffer.from(jsGradient.buffer))).toBe(true);
          const reference = core.computeLoss('dice', input, target, options, { gradient: true });
          // Largest error over the allowance (<= 1 passes): float64 tolerance for the loss, one float32
          // rounding for the gradient.
          let lossExcess = 0;
          reference.loss.data.forEach((value, index) => {
            lossExcess = Math.max(lossExcess, Math.abs((viaWasm.loss.data[index] as number) - value) / (1e-12 + 1e-9 * Math.abs(value)));
          });
          let gradientExcess = 0;
          (reference.gradient?.data ?? []).forEach((value, index) => {
            gradientExcess = Math.max(gradientExcess, Math.abs((wasmGradient[index] as number) - value) / (1e-30 + 2e-7 * Math.abs(value)));
          });
          expect(lossExcess).toBeLessThanOrEqual(1);
          expect(gradientExcess).toBeLessThanOrEqual(1);
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
