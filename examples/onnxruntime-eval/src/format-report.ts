import type { EvaluationReport } from './evaluate-predictions.js';
import { CLASS_NAMES } from './synthetic-predictions.js';

/** The per-class table of a report (Markdown): Dice and IoU, micro and macro, per foreground class. */
export function formatReport(report: EvaluationReport): string {
  const rows = report.dice.classes.map((channel, index) => [
    CLASS_NAMES[channel] ?? `class ${channel}`,
    (report.dice.micro[index] as number).toFixed(4),
    (report.dice.macro[index] as number).toFixed(4),
    (report.iou.micro[index] as number).toFixed(4),
    (report.iou.macro[index] as number).toFixed(4),
  ]);
  const header = ['class', 'Dice (micro)', 'Dice (macro)', 'IoU (micro)', 'IoU (macro)'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] as string).length)));
  const line = (cells: readonly string[]) => `| ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] as number) : cell.padStart(widths[column] as number))).join(' | ')} |`;
  const rule = `|${widths.map((width, column) => (column === 0 ? '-'.repeat(width + 2) : `${'-'.repeat(width + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}
