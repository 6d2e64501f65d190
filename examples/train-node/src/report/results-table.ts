import type { TrainingRun } from '../training/train-model.js';

function score(value: number | undefined): string {
  return value === undefined || Number.isNaN(value) ? '  n/a ' : value.toFixed(4);
}

/**
 * The comparison table (Markdown), one row per loss: validation Dice and IoU per foreground class
 * (micro: from the statistics pooled over all validation images, so every pixel counts once), the
 * mean Dice over the classes, the per-image macro Dice in brackets, and the training time.
 *
 * @param classNames the foreground classes in channel order.
 */
export function formatResultsTable(runs: readonly TrainingRun[], classNames: readonly string[]): string {
  const header = ['loss', ...classNames.flatMap((name) => [`${name} Dice`, `${name} IoU`]), 'mean Dice', 'macro Dice', 'train s'];
  const rows = runs.map((run) => {
    const { diceMicro, iouMicro, diceMacro } = run.final;
    const meanDice = diceMicro.reduce((sum, value) => sum + value, 0) / diceMicro.length;
    const counted = diceMacro.filter((value) => !Number.isNaN(value));
    const macro = counted.length === 0 ? Number.NaN : counted.reduce((sum, value) => sum + value, 0) / counted.length;
    return [
      run.loss.label,
      ...classNames.flatMap((_, index) => [score(diceMicro[index]), score(iouMicro[index])]),
      score(meanDice),
      score(macro),
      run.seconds.toFixed(1),
    ];
  });
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] as string).length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] as number) : cell.padStart(widths[column] as number))).join(' | ')} |`;
  const rule = `|${widths.map((width, column) => (column === 0 ? '-'.repeat(width + 2) : `${'-'.repeat(width + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}
