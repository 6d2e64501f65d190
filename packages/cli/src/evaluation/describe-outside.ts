import type { LabelCounts } from '../counting/label-counts.js';

function list(values: ReadonlyMap<number, number>): string {
  const entries = [...values.entries()].sort((left, right) => left[0] - right[0]);
  const shown = entries.slice(0, 8).map(([value, count]) => `${value} (${count} voxels)`);
  return shown.join(', ') + (entries.length > 8 ? `, and ${entries.length - 8} more values` : '');
}

/**
 * The report line for labels outside `[0, C)`, or null when there are none. Such a case is not
 * scored: counting it would silently treat unknown labels as background.
 */
export function describeOutside(counts: LabelCounts): string | null {
  const parts: string[] = [];
  const range = `[0, ${counts.channels})`;
  if (counts.outsidePrediction.size > 0) parts.push(`prediction has labels outside ${range}: ${list(counts.outsidePrediction)}`);
  if (counts.outsideTarget.size > 0) parts.push(`ground truth has labels outside ${range}: ${list(counts.outsideTarget)}`);
  if (parts.length === 0) return null;
  return `E_LABEL: ${parts.join('; ')} (set --num-classes, --ignore-index or --color-map)`;
}
