import { DiceKitError, shapeSize } from '@dicekit/core';
import type { CaseDocument, ConformanceCase, StoredCase, StoredTensor } from './case-types.js';
import { decodeTensor } from './decode-tensor.js';

function tensorSize(tensor: StoredTensor | undefined): number {
  return tensor === undefined ? 0 : shapeSize(tensor.shape);
}

function toCase(stored: StoredCase, file: string): ConformanceCase {
  const kind = stored.metric !== undefined ? 'metric' : 'loss';
  const name = (stored.metric ?? stored.loss) as ConformanceCase['name'];
  if (name === undefined) throw new DiceKitError('E_OPTION', `case ${stored.id} in ${file} names neither a loss nor a metric`);
  const error = (stored.expected as { error?: unknown }).error;
  const labels = stored.options.targetFormat === 'labels';
  return {
    id: stored.id,
    file,
    kind,
    name,
    options: stored.options,
    stored,
    expectedError: typeof error === 'string' ? (error as ConformanceCase['expectedError']) : null,
    size: Math.max(tensorSize(stored.input), tensorSize(stored.target), tensorSize(stored.mask)),
    tolerance: stored.tolerance ?? null,
    decode() {
      return {
        input: decodeTensor(stored.input, false),
        target: decodeTensor(stored.target, labels),
        mask: stored.mask === undefined ? null : decodeTensor(stored.mask, false),
      };
    },
  };
}

/** Parses a `dicekit-cases/1` document (already JSON-parsed). Works in Node and in browsers. */
export function parseCaseDocument(document: unknown, file = '<memory>'): ConformanceCase[] {
  const parsed = document as Partial<CaseDocument> | null;
  if (parsed === null || typeof parsed !== 'object' || parsed.format !== 'dicekit-cases/1' || !Array.isArray(parsed.cases)) {
    throw new DiceKitError('E_OPTION', `${file} is not a dicekit-cases/1 document (format ${JSON.stringify(parsed?.format)})`);
  }
  return parsed.cases.map((stored) => toCase(stored, file));
}
