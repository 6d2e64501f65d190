import type { TrainingRun } from '../training/train-model.js';
import { drawLinePanel } from './line-panel.js';
import { Raster, type Color } from './raster.js';

/** Line colours of the losses, in run order (colour-blind-safe Okabe-Ito hues). */
export const LOSS_COLORS: readonly Color[] = [
  [0, 114, 178],
  [213, 94, 0],
  [0, 158, 115],
  [204, 121, 167],
  [230, 159, 0],
  [86, 180, 233],
];

/**
 * The training curves as an RGB raster: a legend, then three panels with the epoch on x —
 * the mean training loss divided by its first-epoch value (the losses have different scales),
 * and the validation micro Dice of each foreground class.
 */
export function drawTrainingCurves(runs: readonly TrainingRun[], classNames: readonly string[]): Raster {
  const panelWidth = 380;
  const panelHeight = 300;
  const legendHeight = 34;
  const panels = 1 + classNames.length;
  const raster = new Raster(panelWidth * panels + 20, panelHeight + legendHeight + 20);
  let legendX = 20;
  runs.forEach((run, index) => {
    const color = LOSS_COLORS[index % LOSS_COLORS.length] as Color;
    raster.fillRect(legendX, 14, 24, 4, color);
    raster.drawText(legendX + 30, 10, run.loss.label, [40, 40, 40], 2);
    legendX += 30 + Raster.textWidth(run.loss.label, 2) + 30;
  });
  const relative = runs.map((run) => run.epochLosses.map((value) => value / (run.epochLosses[0] as number)));
  const highest = Math.max(1, ...relative.flat().filter(Number.isFinite));
  const lossTicks = [0, 0.25, 0.5, 0.75, 1].map((fraction) => fraction * highest);
  drawLinePanel(raster, 10, legendHeight + 10, panelWidth, panelHeight, {
    title: 'TRAIN LOSS / EPOCH 1',
    xLabel: 'EPOCH',
    yMin: 0,
    yMax: highest,
    yTicks: lossTicks,
    series: relative.map((values, index) => ({ values, color: LOSS_COLORS[index % LOSS_COLORS.length] as Color })),
  });
  classNames.forEach((name, classIndex) => {
    drawLinePanel(raster, 10 + panelWidth * (classIndex + 1), legendHeight + 10, panelWidth, panelHeight, {
      title: `VAL DICE: ${name}`,
      xLabel: 'EPOCH',
      yMin: 0,
      yMax: 1,
      yTicks: [0, 0.25, 0.5, 0.75, 1],
      series: runs.map((run, index) => ({
        values: run.validationDice.map((perClass) => perClass[classIndex] as number),
        color: LOSS_COLORS[index % LOSS_COLORS.length] as Color,
      })),
    });
  });
  return raster;
}
