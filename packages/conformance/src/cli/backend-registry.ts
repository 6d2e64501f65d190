import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DiceKitBackend } from '@dicekit/core';
import { createCoreBackend } from '../backends/core-backend.js';

/**
 * First-party backend names and the package entry that creates them. Adapters never import each
 * other, so the CLI resolves these packages from the current working directory (the repository root
 * or a user's project) at run time.
 */
export const KNOWN_BACKENDS: Readonly<Record<string, { module: string; note: string }>> = {
  core: { module: '@dicekit/core', note: 'float64 reference' },
  'typed-arrays': { module: '@dicekit/typed-arrays/conformance', note: 'fast kernels, float64 input' },
  'typed-arrays-f32': { module: '@dicekit/typed-arrays/conformance', note: 'fast kernels, inputs rounded to float32' },
  'typed-arrays-kernel-memory': { module: '@dicekit/typed-arrays/conformance', note: 'fast kernels in place on kernelMemory() arrays, 2 threads, float32' },
  'tfjs-cpu': { module: '@dicekit/tfjs/conformance', note: 'TensorFlow.js cpu backend' },
  'tfjs-wasm': { module: '@dicekit/tfjs/conformance', note: 'TensorFlow.js wasm backend' },
  'onnxruntime-web': { module: '@dicekit/onnxruntime-web/conformance', note: 'onnxruntime-web wasm EP, 1 thread' },
  'onnxruntime-web-2threads': { module: '@dicekit/onnxruntime-web/conformance', note: 'onnxruntime-web wasm EP, 2 threads' },
};

interface BackendModule {
  createConformanceBackend?: (name: string) => DiceKitBackend | Promise<DiceKitBackend>;
  createBackend?: () => DiceKitBackend | Promise<DiceKitBackend>;
  default?: () => DiceKitBackend | Promise<DiceKitBackend>;
}

async function importFromWorkingDirectory(specifier: string): Promise<BackendModule> {
  const looksLikePath = specifier.startsWith('.') || isAbsolute(specifier);
  const resolved = looksLikePath
    ? resolve(specifier)
    : createRequire(join(process.cwd(), 'package.json')).resolve(specifier);
  return (await import(pathToFileURL(resolved).href)) as BackendModule;
}

/**
 * Creates a backend by name (see {@link KNOWN_BACKENDS}), or from a module path or package that
 * exports `createBackend()` (or a default factory) for third-party adapters.
 */
export async function loadBackend(name: string, modulePath?: string): Promise<DiceKitBackend> {
  if (modulePath !== undefined) {
    const module = await importFromWorkingDirectory(modulePath);
    const factory = module.createBackend ?? module.default;
    if (module.createConformanceBackend !== undefined) return module.createConformanceBackend(name);
    if (factory === undefined) throw new Error(`${modulePath} exports neither createBackend() nor a default factory`);
    return factory();
  }
  if (name === 'core') return createCoreBackend();
  const known = KNOWN_BACKENDS[name];
  if (known === undefined) {
    throw new Error(`unknown backend '${name}'; known: ${Object.keys(KNOWN_BACKENDS).join(', ')} (or pass --backend-module)`);
  }
  let module: BackendModule;
  try {
    module = await importFromWorkingDirectory(known.module);
  } catch (error) {
    throw new Error(`backend '${name}' needs ${known.module}, which could not be loaded from ${process.cwd()}: ${(error as Error).message}`);
  }
  if (module.createConformanceBackend === undefined) throw new Error(`${known.module} exports no createConformanceBackend(name)`);
  return module.createConformanceBackend(name);
}
