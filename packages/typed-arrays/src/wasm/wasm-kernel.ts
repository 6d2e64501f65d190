import { KERNEL_WASM_BASE64 } from './kernel-bytes.js';
import type { SoftmaxLayout, SoftmaxTarget } from './softmax-source.js';

/** One softmax kernel variant's name: `<layout>_<target>`. */
export type SoftmaxVariant = `${SoftmaxLayout}_${SoftmaxTarget}`;
const SOFTMAX_VARIANTS: SoftmaxVariant[] = ['planar_dense', 'planar_labels', 'interleaved_dense', 'interleaved_labels'];

/** The instantiated WebAssembly SIMD kernels and views of their memory. */
export interface WasmKernel {
  readonly floats: Float32Array;
  readonly doubles: Float64Array;
  readonly integers: Int32Array;
  forwardSigmoid(input: number, target: number, quads: number): number;
  forwardProbability(input: number, target: number, quads: number): number;
  backwardSigmoid(input: number, target: number, gradient: number, quads: number, constant: number, slope: number): void;
  backwardProbability(input: number, target: number, gradient: number, quads: number, constant: number, slope: number): void;
  /** The label-map variants: the target chunk is int32 labels, `t = (label == channel)`, labels checked `< upper`. */
  forwardSigmoidLabels(input: number, target: number, quads: number, channel: number, upper: number): number;
  forwardProbabilityLabels(input: number, target: number, quads: number, channel: number, upper: number): number;
  backwardSigmoidLabels(input: number, target: number, gradient: number, quads: number, constant: number, slope: number, channel: number, upper: number): void;
  backwardProbabilityLabels(input: number, target: number, gradient: number, quads: number, constant: number, slope: number, channel: number, upper: number): void;
  /** `forward_softmax_<variant>(input, target, quads, channels, rowBytes) -> bad` (see `softmax-source.ts`). */
  readonly softmaxForward: Record<SoftmaxVariant, (input: number, target: number, quads: number, channels: number, row: number) => number>;
  /** `backward_softmax_<variant>(input, target, gradient, quads, channels, rowBytes)`. */
  readonly softmaxBackward: Record<SoftmaxVariant, (input: number, target: number, gradient: number, quads: number, channels: number, row: number) => void>;
}

// The few WebAssembly members used, typed here so the package needs neither DOM nor Node typings.
interface MinimalWebAssembly {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

function decodeBase64(text: string): Uint8Array {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const clean = text.replace(/=+$/, '');
  const bytes = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let position = 0;
  for (const character of clean) {
    buffer = (buffer << 6) | alphabet.indexOf(character);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[position++] = (buffer >> bits) & 0xff;
    }
  }
  return bytes;
}

let cached: WasmKernel | null | undefined;

/**
 * The WebAssembly kernels, instantiated on first use (synchronously: the module is about 2 KB), or null
 * where WebAssembly or its SIMD instructions are unavailable; the JavaScript path then runs (same results
 * for probabilities, within about 1.2e-7 relative per element for sigmoid: see `kernel-source.ts`).
 */
export function wasmKernel(): WasmKernel | null {
  if (cached !== undefined) return cached;
  cached = null;
  const wasm = (globalThis as { WebAssembly?: MinimalWebAssembly }).WebAssembly;
  if (wasm === undefined) return cached;
  try {
    const bytes = decodeBase64(KERNEL_WASM_BASE64);
    if (!wasm.validate(bytes)) return cached;
    const { exports } = new wasm.Instance(new wasm.Module(bytes), {});
    const buffer = (exports.memory as { buffer: ArrayBuffer }).buffer;
    cached = {
      floats: new Float32Array(buffer),
      doubles: new Float64Array(buffer),
      integers: new Int32Array(buffer),
      forwardSigmoid: exports.forward_sigmoid as WasmKernel['forwardSigmoid'],
      forwardProbability: exports.forward_probability as WasmKernel['forwardProbability'],
      backwardSigmoid: exports.backward_sigmoid as WasmKernel['backwardSigmoid'],
      backwardProbability: exports.backward_probability as WasmKernel['backwardProbability'],
      forwardSigmoidLabels: exports.forward_sigmoid_labels as WasmKernel['forwardSigmoidLabels'],
      forwardProbabilityLabels: exports.forward_probability_labels as WasmKernel['forwardProbabilityLabels'],
      backwardSigmoidLabels: exports.backward_sigmoid_labels as WasmKernel['backwardSigmoidLabels'],
      backwardProbabilityLabels: exports.backward_probability_labels as WasmKernel['backwardProbabilityLabels'],
      softmaxForward: Object.fromEntries(SOFTMAX_VARIANTS.map((variant) => [variant, exports[`forward_softmax_${variant}`]])) as WasmKernel['softmaxForward'],
      softmaxBackward: Object.fromEntries(SOFTMAX_VARIANTS.map((variant) => [variant, exports[`backward_softmax_${variant}`]])) as WasmKernel['softmaxBackward'],
    };
  } catch {
    cached = null;
  }
  return cached;
}
