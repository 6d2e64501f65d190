import type { DiceKitBackend } from '@dicekit/core';

/** Every first-party backend compared with core, with the module that creates it. */
export const AGREEMENT_BACKENDS: ReadonlyArray<{ name: string; load: () => Promise<DiceKitBackend> }> = [
  { name: 'typed-arrays', load: async () => (await import('@dicekit/typed-arrays/conformance')).createConformanceBackend('typed-arrays') },
  { name: 'typed-arrays-f32', load: async () => (await import('@dicekit/typed-arrays/conformance')).createConformanceBackend('typed-arrays-f32') },
  { name: 'tfjs-cpu', load: async () => (await import('@dicekit/tfjs/conformance')).createConformanceBackend('tfjs-cpu') },
  { name: 'tfjs-wasm', load: async () => (await import('@dicekit/tfjs/conformance')).createConformanceBackend('tfjs-wasm') },
  { name: 'onnxruntime-web', load: async () => (await import('@dicekit/onnxruntime-web/conformance')).createConformanceBackend('onnxruntime-web') },
];
