import type { SegmentationSet } from '../data/synthetic-segmentation.js';
import type { TrainingRun } from '../training/train-model.js';
import { Raster, type Color } from './raster.js';

/** Overlay colours of the foreground classes, in channel order. */
export const CLASS_COLORS: readonly Color[] = [
  [235, 50, 40],
  [30, 160, 255],
];
const OUTLINE: Color = [255, 230, 0];

/**
 * The prediction grid as an RGB raster: one row per shown validation image; columns: the input,
 * the ground truth overlaid on it, then each loss's hard prediction (`sigmoid >= 0.5` per class)
 * overlaid on it with the ground-truth outline in yellow, so misses and false positives show.
 *
 * @param images indices of the validation images to show.
 * @param scale pixels per image pixel.
 */
export function drawMaskGrid(
  validation: SegmentationSet,
  runs: readonly TrainingRun[],
  classNames: readonly string[],
  images: readonly number[],
  scale = 3,
): Raster {
  const size = validation.size;
  const cell = size * scale;
  const gap = 6;
  const header = 30;
  const legend = 34;
  const titles = ['INPUT', 'TRUTH', ...runs.map((run) => run.loss.label)];
  const raster = new Raster(titles.length * (cell + gap) + gap, header + images.length * (cell + gap) + gap + legend);
  titles.forEach((title, column) => {
    const x = gap + column * (cell + gap);
    raster.drawText(x + (cell - Raster.textWidth(title, 2)) / 2, 8, title, [40, 40, 40], 2);
  });
  const pixels = size * size;
  const classes = classNames.length;
  images.forEach((image, row) => {
    const y = header + row * (cell + gap);
    const truthAt = (pixel: number, channel: number) => (validation.targets[(image * pixels + pixel) * classes + channel] as number) > 0.5;
    for (let column = 0; column < titles.length; column++) {
      const x = gap + column * (cell + gap);
      const run = column >= 2 ? runs[column - 2] : undefined;
      const maskAt =
        column === 0
          ? () => false
          : column === 1
            ? truthAt
            : (pixel: number, channel: number) => (run?.final.logits[(image * pixels + pixel) * classes + channel] as number) >= 0;
      for (let pixel = 0; pixel < pixels; pixel++) {
        const gray = Math.round(255 * Math.min(1, Math.max(0, validation.images[image * pixels + pixel] as number)));
        let color: [number, number, number] = [gray, gray, gray];
        for (let channel = 0; channel < classes; channel++) {
          if (!maskAt(pixel, channel)) continue;
          const overlay = CLASS_COLORS[channel % CLASS_COLORS.length] as Color;
          color = [0, 1, 2].map((component) => Math.round(color[component]! * 0.3 + overlay[component]! * 0.7)) as [number, number, number];
        }
        raster.fillRect(x + (pixel % size) * scale, y + Math.floor(pixel / size) * scale, scale, scale, color);
      }
      if (column >= 2) drawOutline(raster, x, y, size, scale, (pixel) => [...Array(classes).keys()].some((channel) => truthAt(pixel, channel)));
    }
  });
  let legendX = gap;
  const legendY = header + images.length * (cell + gap) + 8;
  classNames.forEach((name, channel) => {
    raster.fillRect(legendX, legendY, 16, 16, CLASS_COLORS[channel % CLASS_COLORS.length] as Color);
    raster.drawText(legendX + 22, legendY + 1, name, [40, 40, 40], 2);
    legendX += 22 + Raster.textWidth(name, 2) + 24;
  });
  raster.strokeRect(legendX, legendY, 16, 16, OUTLINE);
  raster.drawText(legendX + 22, legendY + 1, 'TRUE OUTLINE', [40, 40, 40], 2);
  return raster;
}

/** Draws a one-pixel line on each side of a foreground pixel that borders the background (at `scale`). */
function drawOutline(raster: Raster, x: number, y: number, size: number, scale: number, inside: (pixel: number) => boolean): void {
  const outside = (row: number, column: number) => row < 0 || column < 0 || row >= size || column >= size || !inside(row * size + column);
  for (let row = 0; row < size; row++) {
    for (let column = 0; column < size; column++) {
      if (!inside(row * size + column)) continue;
      const left = x + column * scale;
      const top = y + row * scale;
      if (outside(row - 1, column)) raster.fillRect(left, top, scale, 1, OUTLINE);
      if (outside(row + 1, column)) raster.fillRect(left, top + scale - 1, scale, 1, OUTLINE);
      if (outside(row, column - 1)) raster.fillRect(left, top, 1, scale, OUTLINE);
      if (outside(row, column + 1)) raster.fillRect(left + scale - 1, top, 1, scale, OUTLINE);
    }
  }
}
