// Every peer-sourced golden case run through its preset with the peer's ORIGINAL option names (the
// case's `peer` field), then through core's computeLoss, against the peer's expected values.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isDiceKitError } from '../errors/dicekit-error.js';
import { computeLoss } from '../losses/compute-loss.js';
import type { LossOptions } from '../options/option-types.js';
import type { TensorLike } from '../tensor/tensor.js';
import { fromKornia } from './kornia.js';
import { fromMonai, type MonaiLossClass } from './monai.js';
import { fromNnunet, type NnunetLossClass } from './nnunet.js';
import type { PresetResult } from './peer-options.js';
import { fromSmp, type SmpLossClass } from './smp.js';

const GOLDEN = fileURLToPath(new URL('../../../conformance/cases/golden/', import.meta.url));
const RTOL = 1e-9;
const ATOL = 1e-12;

interface JsonTensor {
  shape: number[];
  data: (number | string)[];
}
interface PeerCase {
  id: string;
  loss: string;
  options: LossOptions & Record<string, unknown>;
  input: JsonTensor;
  target: JsonTensor;
  mask?: JsonTensor;
  peer: { class: string; version: string; options: Record<string, unknown> };
  expected: { error?: string; loss?: JsonTensor; gradInput?: JsonTensor };
}

function number(value: number | string): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  throw new Error(`not a number: ${value}`);
}

function tensor(json: JsonTensor, integers = false): TensorLike {
  const values = json.data.map(number);
  return { shape: json.shape, data: integers ? Int32Array.from(values) : Float64Array.from(values) };
}

function channelsOf(testCase: PeerCase): number {
  const shape = testCase.input.shape;
  return (testCase.options.layout === 'channels-last' ? shape[shape.length - 1] : shape[1]) as number;
}

function sameShape(left: readonly number[], right: readonly number[]): boolean {
  return left.length === right.length && left.every((extent, index) => extent === right[index]);
}

/** The preset call for a case, from its `peer` field only (plus what the peer learns from the data). */
function presetFor(testCase: PeerCase): PresetResult {
  const { class: peerClass, version, options } = testCase.peer;
  const channels = channelsOf(testCase);
  const lossClass = peerClass.slice(peerClass.lastIndexOf('.') + 1);
  if (peerClass.startsWith('monai.losses.')) return fromMonai(lossClass as MonaiLossClass, options, { channels });
  if (peerClass.startsWith('segmentation_models_pytorch.losses.')) {
    return fromSmp(lossClass as SmpLossClass, options as never, { version: version.includes(' 0.3.') ? '0.3' : 'current', channels });
  }
  if (peerClass.startsWith('nnunetv2.training.loss.')) {
    // `loss_mask` and `target` in these records describe forward() arguments (data), not options.
    const { loss_mask: _mask, target: _target, ...constructorOptions } = options;
    return fromNnunet(lossClass as NnunetLossClass, constructorOptions, {
      channels,
      // nnU-Net uses the target as it is when its shape equals the input's, and one-hot encodes it otherwise.
      targetFormat: sameShape(testCase.input.shape, testCase.target.shape) ? 'dense' : 'labels',
    });
  }
  if (peerClass === 'kornia.losses.dice_loss') return fromKornia('dice_loss', options);
  throw new Error(`no preset for ${peerClass}`);
}

function close(actual: number, expected: number): boolean {
  return Math.abs(actual - expected) <= ATOL + RTOL * Math.abs(expected);
}

const FILES = ['monai.json', 'smp.json', 'nnunet.json', 'kornia.json'];
const tally = new Map<string, { passed: number; total: number }>();
const refusals: string[] = [];

for (const file of FILES) {
  const document = JSON.parse(readFileSync(`${GOLDEN}${file}`, 'utf8')) as { cases: PeerCase[] };
  const cases = document.cases.filter((testCase) => testCase.peer !== undefined);
  describe(`presets on ${file}`, () => {
    it('covers every case of the file', () => {
      expect(cases.length).toBe(document.cases.length);
    });
    for (const testCase of cases) {
      it(`${testCase.id} (${testCase.peer.class})`, () => {
        const counts = tally.get(file) ?? { passed: 0, total: 0 };
        counts.total++;
        tally.set(file, counts);
        const run = () => {
          const { loss, options } = presetFor(testCase);
          // Two peers' cases are stored channels-last for dicekit; the peers themselves saw channels-first.
          const layout = testCase.options.layout === 'channels-last' ? { layout: 'channels-last' as const } : {};
          const mask = testCase.mask === undefined ? {} : { mask: tensor(testCase.mask) };
          const input = tensor(testCase.input);
          const target = tensor(testCase.target, options.targetFormat === 'labels');
          return computeLoss(loss, input, target, { ...options, ...layout, ...mask }, { gradient: true });
        };
        if (testCase.expected.error !== undefined) {
          let caught: unknown;
          try {
            run();
          } catch (error) {
            caught = error;
          }
          expect(isDiceKitError(caught)).toBe(true);
          expect((caught as { code: string }).code).toBe(testCase.expected.error);
          refusals.push(`${testCase.id}: ${(caught as Error).message}`);
          counts.passed++;
          return;
        }
        const result = run();
        const expectedLoss = testCase.expected.loss as JsonTensor;
        expect(result.loss.data.length).toBe(expectedLoss.data.length);
        expectedLoss.data.forEach((value, index) => {
          const actual = result.loss.data[index] as number;
          if (!close(actual, number(value))) expect.fail(`loss[${index}] = ${actual}, expected ${value}`);
        });
        const expectedGradient = testCase.expected.gradInput;
        if (expectedGradient !== undefined) {
          const gradient = result.gradient?.data as Float64Array;
          expect(gradient.length).toBe(expectedGradient.data.length);
          expectedGradient.data.forEach((value, index) => {
            const actual = gradient[index] as number;
            if (!close(actual, number(value))) expect.fail(`gradInput[${index}] = ${actual}, expected ${value}`);
          });
        }
        counts.passed++;
      });
    }
  });
}

afterAll(() => {
  const lines = [...tally].map(([file, { passed, total }]) => `${file}: ${passed}/${total} peer cases pass through their preset`);
  console.log([...lines, 'error cases (refused by the preset or by core):', ...refusals.map((line) => `  ${line}`)].join('\n'));
});
