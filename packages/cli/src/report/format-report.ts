import type { EvaluationReport, Summary } from './report-types.js';

/** Output formats of `--format`. */
export type ReportFormat = 'table' | 'csv' | 'json' | 'md';

/** The formats, for option checking and help. */
export const REPORT_FORMATS: readonly ReportFormat[] = ['table', 'csv', 'json', 'md'];

function fixed(value: number | null, digits = 4): string {
  if (value === null) return '';
  if (Number.isNaN(value)) return 'nan';
  return value.toFixed(digits);
}

function exact(value: number | null): string {
  if (value === null) return '';
  return Number.isNaN(value) ? 'nan' : String(value);
}

function summaryText(summary: Summary): string {
  return summary.count === 0 ? 'nan (0)' : `${fixed(summary.mean)} ± ${fixed(summary.std)} (${summary.count})`;
}

function alignedTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, index) => Math.max(title.length, ...rows.map((row) => (row[index] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, index) => (index < 2 ? cell.padEnd(widths[index] as number) : cell.padStart(widths[index] as number)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const escape = (cell: string): string => cell.replace(/\|/g, '\\|');
  return [
    `| ${header.map(escape).join(' | ')} |`,
    `| ${header.map((_, index) => (index < 2 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ].join('\n');
}

const CASE_HEADER = ['case', 'class', 'dice', 'iou', 'precision', 'recall', 'pred vox', 'true vox', 'pred mL', 'true mL'];
const CLASS_HEADER = ['class', 'name', 'dice mean ± std (n)', 'iou mean ± std (n)', 'micro dice', 'micro iou', 'macro dice', 'macro iou'];

function caseRows(report: EvaluationReport): string[][] {
  return report.cases.flatMap((item) =>
    item.classes.map((scores) => [
      item.id,
      scores.name,
      fixed(scores.dice),
      fixed(scores.iou),
      fixed(scores.precision),
      fixed(scores.recall),
      String(scores.predictedVoxels),
      String(scores.trueVoxels),
      fixed(scores.predictedMl, 3),
      fixed(scores.trueMl, 3),
    ]),
  );
}

function classRows(report: EvaluationReport): string[][] {
  return report.perClass.map((item) => [
    String(item.classIndex),
    item.name,
    summaryText(item.dice),
    summaryText(item.iou),
    fixed(item.microDice),
    fixed(item.microIou),
    fixed(item.macroDice),
    fixed(item.macroIou),
  ]);
}

function datasetLine(report: EvaluationReport): string {
  const { dataset, counts } = report;
  return `dataset: micro dice ${fixed(dataset.microDice)}, micro iou ${fixed(dataset.microIou)}, macro dice ${fixed(dataset.macroDice)}, macro iou ${fixed(dataset.macroIou)}; ${counts.scored} cases scored, ${counts.failed} failed`;
}

function csv(report: EvaluationReport): string {
  const quote = (cell: string): string => (/[",\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
  const header = ['row', 'case', 'class', 'name', 'dice', 'iou', 'precision', 'recall', 'predicted_voxels', 'true_voxels', 'predicted_ml', 'true_ml', 'count', 'reason'];
  const rows: string[][] = [];
  for (const item of report.cases) {
    for (const scores of item.classes) {
      rows.push(['case', item.id, String(scores.classIndex), scores.name, exact(scores.dice), exact(scores.iou), exact(scores.precision), exact(scores.recall), String(scores.predictedVoxels), String(scores.trueVoxels), exact(scores.predictedMl), exact(scores.trueMl), '', '']);
    }
  }
  for (const item of report.perClass) {
    const base = ['', String(item.classIndex), item.name];
    rows.push(['mean', ...base, exact(item.dice.mean), exact(item.iou.mean), exact(item.precision.mean), exact(item.recall.mean), '', '', '', '', String(item.dice.count), '']);
    rows.push(['std', ...base, exact(item.dice.std), exact(item.iou.std), exact(item.precision.std), exact(item.recall.std), '', '', '', '', String(item.dice.count), '']);
    rows.push(['micro', ...base, exact(item.microDice), exact(item.microIou), '', '', '', '', '', '', '', '']);
    rows.push(['macro', ...base, exact(item.macroDice), exact(item.macroIou), '', '', '', '', '', '', '', '']);
  }
  const { dataset } = report;
  rows.push(['dataset_micro', '', '', '', exact(dataset.microDice), exact(dataset.microIou), '', '', '', '', '', '', String(report.counts.scored), '']);
  rows.push(['dataset_macro', '', '', '', exact(dataset.macroDice), exact(dataset.macroIou), '', '', '', '', '', '', String(report.counts.scored), '']);
  for (const failure of report.failures) rows.push(['failed', failure.id, '', '', '', '', '', '', '', '', '', '', '', failure.reason]);
  return [header, ...rows].map((row) => row.map(quote).join(',')).join('\n') + '\n';
}

/** JSON with NaN written as null (JSON has no NaN). */
function json(report: EvaluationReport): string {
  return JSON.stringify(report, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2) + '\n';
}

/**
 * Renders a report: `table` (aligned text, 4 decimals), `md` (Markdown tables), `csv` (one row per
 * case and class, then `mean`/`std`/`micro`/`macro` rows per class, dataset rows and `failed` rows;
 * full precision) or `json` (the {@link EvaluationReport} object, NaN as null).
 */
export function formatReport(report: EvaluationReport, format: ReportFormat): string {
  if (format === 'json') return json(report);
  if (format === 'csv') return csv(report);
  const failures = report.failures.map((failure) => `${failure.id}: ${failure.reason}`);
  const warnings = report.cases.flatMap((item) => item.warnings.map((warning) => `${item.id}: ${warning}`));
  if (format === 'md') {
    const parts = ['## Per case', markdownTable(CASE_HEADER, caseRows(report)), '## Per class', markdownTable(CLASS_HEADER, classRows(report)), datasetLine(report)];
    if (failures.length > 0) parts.push('## Failed cases', failures.map((line) => `- ${line}`).join('\n'));
    if (warnings.length > 0) parts.push('## Warnings', warnings.map((line) => `- ${line}`).join('\n'));
    return parts.join('\n\n') + '\n';
  }
  const parts = [alignedTable(CASE_HEADER, caseRows(report)), alignedTable(CLASS_HEADER, classRows(report)), datasetLine(report)];
  if (failures.length > 0) parts.push(['failed cases:', ...failures.map((line) => `  ${line}`)].join('\n'));
  if (warnings.length > 0) parts.push(['warnings:', ...warnings.map((line) => `  ${line}`)].join('\n'));
  return parts.join('\n\n') + '\n';
}
