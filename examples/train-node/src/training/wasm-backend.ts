import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmConvolutionGradients } from '../model/wasm-convolution-gradients.js';

/**
 * Selects the tfjs WebAssembly backend (XNNPACK kernels; no native tfjs-node binary needed) after
 * registering the convolution gradients it lacks. Call once before creating any tensor.
 */
export async function useWasmBackend(): Promise<void> {
  registerWasmConvolutionGradients();
  if (!(await tf.setBackend('wasm'))) throw new Error('the tfjs wasm backend failed to initialise');
  await tf.ready();
}
