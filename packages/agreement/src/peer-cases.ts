import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCaseDocument, runCase, type CaseOutcome, type ConformanceCase } from '@dicekit/conformance';
import { goldenDirectory } from '@dicekit/conformance/node';
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

/** The golden files whose cases come from a peer library and carry its own option names (`peer`). */
export const PEER_FILES = ['monai.json', 'smp.json', 'nnunet.json', 'kornia.json'] as const;

interface PeerRecord {
  readonly class: string;
  readonly version: string;
  readonly options: Record<string, unknown>;
}

/** Every peer-sourced golden case. */
export function peerCases(): ConformanceCase[] {
  return PEER_FILES.flatMap((file) => parseCaseDocument(JSON.parse(readFileSync(join(goldenDirectory(), file), 'utf8')), file)).filter(
    (testCase) => testCase.stored.peer !== undefined,
  );
}

/** The preset call for a case's peer record; `channels` and the target's shape are what the peer sees. */
export function presetFor(testCase: ConformanceCase): PresetResult {
  const peer = testCase.stored.peer as PeerRecord;
  const shape = testCase.stored.input.shape;
  const channels = (testCase.options.layout === 'channels-last' ? shape[shape.length - 1] : shape[1]) as number;
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

/**
 * Runs a peer case through its preset (only the peer's own option names) on a backend. A preset that
 * refuses the settings passes a case expecting that error code.
 */
export async function runThroughPreset(backend: DiceKitBackend, testCase: ConformanceCase): Promise<CaseOutcome> {
  let translated: PresetResult;
  try {
    translated = presetFor(testCase);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const passed = testCase.expectedError !== null && code === testCase.expectedError;
    return { id: testCase.id, file: testCase.file, status: passed ? 'passed' : 'failed', reason: passed ? null : `preset threw ${(error as Error).message}`, comparisons: [], tolerance: { rtol: 0, atol: 0 } };
  }
  // Cases stored channels-last for dicekit were computed channels-first by the peer.
  const layout = testCase.options.layout === 'channels-last' ? { layout: 'channels-last' } : {};
  return runCase(backend, { ...testCase, name: translated.loss, options: { ...translated.options, ...layout } });
}
