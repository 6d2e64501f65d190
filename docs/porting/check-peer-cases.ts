// Runs every peer-sourced golden case (monai, smp, nnunet, kornia) through its preset, using only the
// peer's own option names stored in the case's `peer` field, on core and on every adapter backend that
// can be loaded. From /work/main:
//   npx tsx --conditions=source docs/porting/check-peer-cases.ts [backend ...]
// Prints, per backend and file, how many cases pass; a backend whose package is missing is reported
// as unavailable, not as failing.
import { createCoreBackend } from '@dicekit/conformance';
import type { DiceKitBackend } from '@dicekit/core';
import { peerCases, runThroughPreset } from '../../packages/agreement/src/peer-cases.js';

const BACKENDS: Record<string, string | null> = {
  core: null,
  'typed-arrays': '@dicekit/typed-arrays/conformance',
  'typed-arrays-f32': '@dicekit/typed-arrays/conformance',
  'tfjs-cpu': '@dicekit/tfjs/conformance',
  'tfjs-wasm': '@dicekit/tfjs/conformance',
  'onnxruntime-web': '@dicekit/onnxruntime-web/conformance',
  'onnxruntime-web-2threads': '@dicekit/onnxruntime-web/conformance',
};

async function loadBackend(name: string): Promise<DiceKitBackend | string> {
  const module = BACKENDS[name];
  if (module === undefined) return `unknown backend (known: ${Object.keys(BACKENDS).join(', ')})`;
  if (module === null) return createCoreBackend();
  try {
    const loaded = (await import(module)) as { createConformanceBackend?: (name: string) => DiceKitBackend | Promise<DiceKitBackend> };
    if (loaded.createConformanceBackend === undefined) return `${module} exports no createConformanceBackend`;
    return await loaded.createConformanceBackend(name);
  } catch (error) {
    return `unavailable: ${(error as Error).message.split('\n')[0]}`;
  }
}

const cases = peerCases();
const names = process.argv.length > 2 ? process.argv.slice(2) : Object.keys(BACKENDS);
let failures = 0;
for (const name of names) {
  const backend = await loadBackend(name);
  if (typeof backend === 'string') {
    console.log(`${name}: ${backend}`);
    continue;
  }
  const tally = new Map<string, { passed: number; failed: number; skipped: number }>();
  for (const testCase of cases) {
    const counts = tally.get(testCase.file) ?? { passed: 0, failed: 0, skipped: 0 };
    tally.set(testCase.file, counts);
    const outcome = await runThroughPreset(backend, testCase);
    counts[outcome.status]++;
    if (outcome.status === 'failed') console.log(`  ${name} ${testCase.id}: ${outcome.reason}`);
  }
  await backend.dispose?.();
  for (const [file, { passed, failed, skipped }] of tally) {
    failures += failed;
    console.log(`${name} ${file}: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  }
}
process.exitCode = failures === 0 ? 0 : 1;
