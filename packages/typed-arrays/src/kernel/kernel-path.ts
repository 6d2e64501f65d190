import { wasmKernel } from '../wasm/wasm-kernel.js';

/**
 * Which code path runs here: `'webassembly-simd'` when the SIMD kernels instantiate (they then take the
 * direct path's float32 rows: no mask or ignoreIndex, plain sums, sigmoid or probabilities,
 * channels-first or C = 1), `'javascript'` otherwise. Every other configuration always runs the
 * JavaScript kernels. Both paths give the same bits.
 */
export function kernelPath(): 'webassembly-simd' | 'javascript' {
  return wasmKernel() === null ? 'javascript' : 'webassembly-simd';
}
