import { Raster, type Color } from './raster.js';

/** One line of a panel: its values at x = 1, 2, …, and its style. */
export interface PanelSeries {
  readonly values: readonly number[];
  readonly color: Color;
  readonly dash?: readonly [number, number];
}

/** A line chart drawn into a rectangle of a raster. */
export interface LinePanel {
  readonly title: string;
  readonly xLabel: string;
  readonly series: readonly PanelSeries[];
  readonly yMin: number;
  readonly yMax: number;
  /** The y values that get a tick and a grid line. */
  readonly yTicks: readonly number[];
}

const AXIS: Color = [60, 60, 60];
const GRID: Color = [225, 225, 225];

/**
 * Draws `panel` in the rectangle `(left, top, width, height)` of `raster`: title, axes, grid lines,
 * ticks labelled with two decimals, x ticks at every point (1, 2, …) and each series as a 2-pixel
 * line with square markers. Non-finite values are skipped (the line breaks there).
 */
export function drawLinePanel(raster: Raster, left: number, top: number, width: number, height: number, panel: LinePanel): void {
  const titleHeight = Raster.textHeight(2) + 10;
  const plotLeft = left + 40;
  const plotTop = top + titleHeight;
  const plotWidth = width - 50;
  const plotHeight = height - titleHeight - 36;
  raster.drawText(left + (width - Raster.textWidth(panel.title, 2)) / 2, top, panel.title, AXIS, 2);
  const points = Math.max(1, ...panel.series.map((series) => series.values.length));
  const xOf = (index: number) => plotLeft + (points === 1 ? plotWidth / 2 : (index / (points - 1)) * plotWidth);
  const yOf = (value: number) => {
    const clamped = Math.min(panel.yMax, Math.max(panel.yMin, value));
    return plotTop + plotHeight - ((clamped - panel.yMin) / (panel.yMax - panel.yMin)) * plotHeight;
  };
  for (const tick of panel.yTicks) {
    const y = Math.round(yOf(tick));
    raster.drawLine(plotLeft, y, plotLeft + plotWidth, y, GRID);
    const label = tick.toFixed(2);
    raster.drawText(plotLeft - 6 - Raster.textWidth(label), y - 3, label, AXIS);
  }
  raster.drawLine(plotLeft, plotTop, plotLeft, plotTop + plotHeight, AXIS);
  raster.drawLine(plotLeft, plotTop + plotHeight, plotLeft + plotWidth, plotTop + plotHeight, AXIS);
  const labelEvery = Math.ceil(points / 12);
  for (let index = 0; index < points; index++) {
    const x = Math.round(xOf(index));
    raster.drawLine(x, plotTop + plotHeight, x, plotTop + plotHeight + 3, AXIS);
    if (index % labelEvery === 0 || index === points - 1) {
      const label = String(index + 1);
      raster.drawText(x - Raster.textWidth(label) / 2, plotTop + plotHeight + 7, label, AXIS);
    }
  }
  raster.drawText(plotLeft + (plotWidth - Raster.textWidth(panel.xLabel)) / 2, plotTop + plotHeight + 22, panel.xLabel, AXIS);
  for (const series of panel.series) {
    let previous: [number, number] | null = null;
    series.values.forEach((value, index) => {
      if (!Number.isFinite(value)) {
        previous = null;
        return;
      }
      const point: [number, number] = [xOf(index), yOf(value)];
      if (previous !== null) raster.drawLine(previous[0], previous[1], point[0], point[1], series.color, 2, series.dash);
      raster.fillRect(point[0] - 2, point[1] - 2, 5, 5, series.color);
      previous = point;
    });
  }
}
