import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeNifti } from './encode-nifti.js';
import { encodePng } from './encode-png.js';
import { generateLabelPair } from './generate-labels.js';

/** A generated case: its labels (first axis fastest) and where they were written. */
export interface GeneratedCase {
  readonly id: string;
  readonly prediction: Uint8Array;
  readonly groundTruth: Uint8Array;
}

/**
 * Test helper: writes `count` generated NIfTI (`.nii.gz` or `.nii`) or PNG pairs into
 * `<root>/pred` and `<root>/gt`, returning the labels for reference computations.
 */
export function writeDataset(
  root: string,
  options: { count: number; shape: readonly number[]; classes: number; format: 'nii.gz' | 'nii' | 'png'; seed?: number; spacing?: readonly number[]; noise?: number },
): GeneratedCase[] {
  mkdirSync(join(root, 'pred'), { recursive: true });
  mkdirSync(join(root, 'gt'), { recursive: true });
  const cases: GeneratedCase[] = [];
  for (let index = 0; index < options.count; index++) {
    const id = `case_${String(index).padStart(3, '0')}`;
    const pair = generateLabelPair((options.seed ?? 1) * 1000 + index, options.shape, { classes: options.classes, noise: options.noise ?? 0.001 });
    for (const [folder, data] of [
      ['pred', pair.prediction],
      ['gt', pair.groundTruth],
    ] as const) {
      if (options.format === 'png') {
        const [width, height] = options.shape as [number, number];
        writeFileSync(join(root, folder, `${id}.png`), encodePng({ width, height, colorType: 0, bitDepth: 8, samples: data }));
      } else {
        const bytes = encodeNifti({ shape: options.shape, datatype: 'uint8', data, gzip: options.format === 'nii.gz', ...(options.spacing ? { spacing: options.spacing } : {}) });
        writeFileSync(join(root, folder, `${id}.${options.format}`), bytes);
      }
    }
    cases.push({ id, prediction: pair.prediction, groundTruth: pair.groundTruth });
  }
  return cases;
}
