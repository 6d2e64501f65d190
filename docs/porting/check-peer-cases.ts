// Runs every peer-sourced golden case (monai, smp, nnunet, kornia) through its preset, using only the
// peer's own option names stored in the case's `peer` field, on core and on every adapter backend that
// can be loaded. From /work/main:
//   npx tsx --conditions=source docs/porting/check-peer-cases.ts [backend ...]
// Prints, per backend and file, how many cases pass; a backend whose package is missing is reported
// as unavailable, not as failing.
import { createCoreBackend, parseCaseDocument, runCase, type CaseDocument, type ConformanceCase } from '@dicekit/conformance';
import type { DiceKitBackend } from '@dicekit/core';
import {
  fromKornia,
  fromMonai,
  fromNnunet,
  fromSmp,
  type MonaiLossClass,
  type NnunetLossClass,
  type PresetResult,
  type SmpLossClass,
} from '@dicekit/core/presets';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const FILES = ['monai.json', 'smp.json', 'nnunet.json', 'kornia.json'];
const BACKENDS: Record<string, string | null> = {
  core: null,
  'typed-arrays': '@dicekit/typed-arrays/conformance',
  'typed-arrays-f32': '@dicekit/typed-arrays/conformance',
  'tfjs-cpu': '@dicekit/tfjs/conformance',
  'tfjs-wasm': '@dicekit/tfjs/conformance',
  'onnxruntime-web': '@dicekit/onnxruntime-web/conformance',
};

interface PeerRecord {
  class: string;
  version: string;
  options: Record<string, unknown>;
}

/** The preset call for a stored peer record; `channels` and the target's shape are what the peer sees. */
function presetFor(testCase: ConformanceCase): PresetResult {
  const peer = testCase.stored.peer as PeerRecord;
  const shape = testCase.stored.input.shape;
  const channelsLast = testCase.options.layout === 'channels-last';
  const channels = (channelsLast ? shape[shape.length - 1] : shape[1]) as number;
  const lossClass = peer.class.slice(peer.class.lastIndexOf('.') + 1);
  if (peer.class.startsWith('monai.losses.')) return fromMonai(lossClass as MonaiLossClass, peer.options, { channels });
  if (peer.class.startsWith('segmentation_models_pytorch.losses.')) {
    return fromSmp(lossClass as SmpLossClass, peer.options as never, { version: peer.version.includes(' 0.3.') ? '0.3' : 'current', channels });
  }
  if (peer.class.startsWith('nnunetv2.training.loss.')) {
    // `loss_mask` and `target` describe forward() arguments (data), not constructor options.
    const { loss_mask: _mask, target: _target, ...options } = peer.options;
    const targetShape = testCase.stored.target.shape;
    const dense = targetShape.length === shape.length && targetShape.every((extent, index) => extent === shape[index]);
    return fromNnunet(lossClass as NnunetLossClass, options, { channels, targetFormat: dense ? 'dense' : 'labels' });
  }
  if (peer.class === 'kornia.losses.dice_loss') return fromKornia('dice_loss', peer.options);
  throw new Error(`no preset for ${peer.class}`);
}

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

// The golden cases are package data of @dicekit/conformance (cases/golden).
const golden = join(dirname(createRequire(import.meta.url).resolve('@dicekit/conformance/package.json')), 'cases', 'golden');
const cases = FILES.flatMap((file) => parseCaseDocument(JSON.parse(readFileSync(join(golden, file), 'utf8')) as CaseDocument, file)).filter(
  (testCase) => testCase.stored.peer !== undefined,
);
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
    let translated: PresetResult;
    try {
      translated = presetFor(testCase);
    } catch (error) {
      // A refusal by the preset passes an error case expecting that code.
      const code = (error as { code?: string }).code;
      if (testCase.expectedError !== null && code === testCase.expectedError) counts.passed++;
      else {
        counts.failed++;
        console.log(`  ${name} ${testCase.id}: preset threw ${(error as Error).message}`);
      }
      continue;
    }
    // Cases stored channels-last for dicekit were computed channels-first by the peer.
    const layout = testCase.options.layout === 'channels-last' ? { layout: 'channels-last' } : {};
    const viaPreset: ConformanceCase = { ...testCase, name: translated.loss, options: { ...translated.options, ...layout } };
    const outcome = await runCase(backend, viaPreset);
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
