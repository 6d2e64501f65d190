import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { registerWasmConvolutionGradients } from '../src/model/wasm-convolution-gradients.js';

/** Gradients of a fused conv layer's output energy with respect to its input and filter. */
function gradients(shape: [number, number, number, number], filterShape: [number, number, number, number], pad: 'same' | 'valid'): number[] {
  return tf.tidy(() => {
    const x = tf.tensor4d(Array.from({ length: shape.reduce((a, b) => a * b) }, (_, index) => Math.sin(index * 0.7)), shape);
    const filter = tf.tensor4d(Array.from({ length: filterShape.reduce((a, b) => a * b) }, (_, index) => Math.cos(index * 1.3)), filterShape);
    const bias = tf.linspace(-0.5, 0.5, filterShape[3]);
    const energy = (input: tf.Tensor, weights: tf.Tensor) =>
      tf.fused.conv2d({ x: input as tf.Tensor4D, filter: weights as tf.Tensor4D, bias, strides: 1, pad, activation: 'relu' }).square().sum();
    const [dx, dFilter] = tf.grads(energy)([x, filter]);
    return [...(dx as tf.Tensor).dataSync(), ...(dFilter as tf.Tensor).dataSync()];
  });
}

describe('registerWasmConvolutionGradients', () => {
  const cases: Array<[string, [number, number, number, number], [number, number, number, number], 'same' | 'valid']> = [
    ['3×3 same', [2, 9, 7, 3], [3, 3, 3, 4], 'same'],
    ['1×1 valid', [3, 6, 5, 4], [1, 1, 4, 2], 'valid'],
    ['3×3 valid', [1, 8, 8, 2], [3, 3, 2, 3], 'valid'],
    ['5×5 same', [2, 10, 6, 2], [5, 5, 2, 2], 'same'],
  ];

  it.each(cases)('%s: wasm gradients equal the cpu backend (the reference)', async (_name, shape, filterShape, pad) => {
    await tf.setBackend('cpu');
    const reference = gradients(shape, filterShape, pad);
    registerWasmConvolutionGradients();
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const computed = gradients(shape, filterShape, pad);
    expect(tf.memory().numTensors).toBe(before);
    const scale = Math.max(...reference.map(Math.abs));
    computed.forEach((value, index) => expect(Math.abs(value - (reference[index] as number))).toBeLessThanOrEqual(1e-5 * scale));
  });

  it('refuses strides it does not implement instead of returning wrong numbers', async () => {
    registerWasmConvolutionGradients();
    await tf.setBackend('wasm');
    const x = tf.ones([1, 8, 8, 1]) as tf.Tensor4D;
    const filter = tf.ones([3, 3, 1, 1]) as tf.Tensor4D;
    expect(() => tf.grad((weights: tf.Tensor) => tf.conv2d(x, weights as tf.Tensor4D, 2, 'same').sum())(filter)).toThrow(/stride 1/);
  });
});
