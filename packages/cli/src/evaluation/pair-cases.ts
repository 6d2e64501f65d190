import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { DiceKitError } from '@dicekit/core';
import { caseKeyOf, labelFileKind } from '../readers/label-file-kind.js';

/** A case found in both folders. */
export interface CasePair {
  readonly id: string;
  readonly predictionPath: string;
  readonly groundTruthPath: string;
}

/** A case that cannot even be attempted (a file missing on one side, two files for one name). */
export interface CaseFailure {
  readonly id: string;
  readonly reason: string;
}

function listLabelFiles(directory: string, role: string): { files: Map<string, string>; failures: CaseFailure[] } {
  let names: string[];
  try {
    if (!statSync(directory).isDirectory()) throw new Error('not a directory');
    names = readdirSync(directory, { recursive: true, encoding: 'utf8' });
  } catch (error) {
    throw new DiceKitError('E_OPTION', `${role} folder ${directory}: ${(error as Error).message}`);
  }
  const files = new Map<string, string>();
  const failures: CaseFailure[] = [];
  const duplicates = new Set<string>();
  for (const name of names.sort()) {
    // Hidden files (macOS `._case.nii.gz` forks, editor backups) are not cases.
    if (labelFileKind(name) === null || name.split(/[\\/]/).some((part) => part.startsWith('.'))) continue;
    // Case ids use '/' whatever the platform, so statistics merge across machines.
    const id = caseKeyOf(relative(directory, join(directory, name)).split(sep).join('/'));
    const existing = files.get(id);
    if (existing !== undefined) {
      duplicates.add(id);
      failures.push({ id, reason: `ambiguous ${role}: both ${existing} and ${join(directory, name)}` });
      continue;
    }
    files.set(id, join(directory, name));
  }
  for (const id of duplicates) files.delete(id);
  return { files, failures };
}

/**
 * Pairs label files of the two folders (searched recursively, hidden files and folders skipped) by
 * relative path without the extension (`a/case_001.nii.gz` pairs with `a/case_001.nii`). Returns the pairs sorted by id and a
 * failure for every file without a partner.
 */
export function pairCases(predictionDirectory: string, groundTruthDirectory: string): { pairs: CasePair[]; failures: CaseFailure[] } {
  const predictions = listLabelFiles(predictionDirectory, 'prediction');
  const groundTruths = listLabelFiles(groundTruthDirectory, 'ground truth');
  const failures = [...predictions.failures, ...groundTruths.failures];
  const pairs: CasePair[] = [];
  for (const [id, groundTruthPath] of groundTruths.files) {
    const predictionPath = predictions.files.get(id);
    if (predictionPath === undefined) {
      if (!predictions.failures.some((failure) => failure.id === id)) failures.push({ id, reason: `missing prediction for ground truth ${groundTruthPath}` });
      continue;
    }
    pairs.push({ id, predictionPath, groundTruthPath });
  }
  for (const [id, predictionPath] of predictions.files) {
    if (!groundTruths.files.has(id) && !groundTruths.failures.some((failure) => failure.id === id)) {
      failures.push({ id, reason: `missing ground truth for prediction ${predictionPath}` });
    }
  }
  pairs.sort((left, right) => compareIds(left.id, right.id));
  failures.sort((left, right) => compareIds(left.id, right.id));
  return { pairs, failures };
}

/** The one case order of reports and statistics files (code-unit order, locale-independent). */
export function compareIds(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}
