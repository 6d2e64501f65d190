import { KERNEL_WASM_BASE64 } from './kernel-bytes.js';
import { MEMORY_LAYOUT } from './layout.js';
import { SOFTMAX_KERNEL_VARIANTS, type SoftmaxLayout, type SoftmaxTarget } from './softmax-source.js';

/** One softmax kernel variant's name: `<layout>_<target>`. */
export type SoftmaxVariant = `${SoftmaxLayout}_${SoftmaxTarget}`;
const SOFTMAX_VARIANTS: SoftmaxVariant[] = SOFTMAX_KERNEL_VARIANTS.map(([layout, target]) => `${layout}_${target}` as const);

/** The instantiated WebAssembly SIMD kernels and views of their memory. */
export interface WasmKernel {
  /** The kernels' memory: shared (a SharedArrayBuffer) where the runtime allows, so workers can run on it. */
  readonly memory: MinimalMemory;
  readonly shared: boolean;
  /** The compiled module (workers instantiate it on the same memory). */
  readonly module: object;
  /** `drive_<kernel>(from, to) -> bad` by kernel name (see `driver-source.ts`). */
  readonly drivers: Record<string, (from: number, to: number) => number>;
  /** The drivers' names in one fixed order: workers and the caller name a driver by its index here. */
  readonly driverNames: readonly string[];
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
export interface MinimalMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}
interface MinimalWebAssembly {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum: number; shared?: boolean }) => MinimalMemory;
}

/**
 * The module declares its imported memory shared. Where shared memory is unavailable (a browser page
 * that is not cross-origin isolated), the limits flag of that import is rewritten from 3 (shared, with
 * a maximum) to 1 (with a maximum): the kernels use no atomic instruction, so the module stays valid.
 */
export function withoutSharedFlag(bytes: Uint8Array): Uint8Array {
  const pattern = [3, ...'env'.split('').map((c) => c.charCodeAt(0)), 6, ...'memory'.split('').map((c) => c.charCodeAt(0)), 2, 3];
  const copy = bytes.slice();
  for (let at = 0; at + pattern.length <= copy.length; at++) {
    if (pattern.every((byte, offset) => copy[at + offset] === byte)) {
      copy[at + pattern.length - 1] = 1;
      return copy;
    }
  }
  throw new Error('dicekit: the memory import of the kernel module was not found');
}

/** A shared memory for the kernels, or null where the runtime refuses shared memory. */
function sharedMemory(wasm: MinimalWebAssembly): MinimalMemory | null {
  if (typeof SharedArrayBuffer === 'undefined') return null;
  try {
    const memory = new wasm.Memory({ initial: MEMORY_LAYOUT.pages, maximum: MEMORY_LAYOUT.maximumPages, shared: true });
    return memory.buffer instanceof SharedArrayBuffer ? memory : null;
  } catch {
    return null;
  }
}

export function decodeBase64(text: string): Uint8Array {
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
 * The WebAssembly kernels, instantiated on first use (synchronously: the module is about 35 KB), or null
 * where WebAssembly or its SIMD instructions are unavailable; the JavaScript path then runs (same results
 * for probabilities, within about 1.2e-7 relative per element for sigmoid: see `kernel-source.ts`).
 */
export function wasmKernel(): WasmKernel | null {
  if (cached !== undefined) return cached;
  cached = null;
  const wasm = (globalThis as { WebAssembly?: MinimalWebAssembly }).WebAssembly;
  if (wasm === undefined) return cached;
  try {
    let bytes = decodeBase64(KERNEL_WASM_BASE64);
    let memory = sharedMemory(wasm);
    if (memory === null) {
      bytes = withoutSharedFlag(bytes);
      memory = new wasm.Memory({ initial: MEMORY_LAYOUT.pages, maximum: MEMORY_LAYOUT.maximumPages });
    }
    if (!wasm.validate(bytes)) return cached;
    const module = new wasm.Module(bytes);
    const { exports } = new wasm.Instance(module, { env: { memory } });
    const buffer = memory.buffer;
    const drivers: Record<string, (from: number, to: number) => number> = {};
    for (const [name, value] of Object.entries(exports)) {
      if (name.startsWith('drive_')) drivers[name.slice('drive_'.length)] = value as (from: number, to: number) => number;
    }
    cached = {
      memory,
      shared: typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer,
      module,
      drivers,
      driverNames: Object.keys(drivers),
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
