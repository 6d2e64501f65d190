import { wasmKernel } from '../wasm/wasm-kernel.js';

/**
 * Which code path runs here: `'webassembly-simd'` when the SIMD kernels instantiate (they then take the
 * direct path's float32 data: Float32Array input, a Float32Array dense target or a label map, no mask or
 * ignoreIndex, plain sums, and no Float64Array gradient buffer; sigmoid and probabilities on
 * channels-first rows or C = 1, softmax with 2-256 channels in either layout), `'javascript'` otherwise.
 * Every other configuration always runs the JavaScript kernels. For probabilities both paths give the
 * same bits; sigmoid and softmax differ by their float32 exponentials (about 1e-7 relative per element).
 */
export function kernelPath(): 'webassembly-simd' | 'javascript' {
  return wasmKernel() === null ? 'javascript' : 'webassembly-simd';
}
