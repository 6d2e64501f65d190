/**
 * Draws the training loss per step on a 2D canvas: the raw values as a thin line and their
 * moving average over `window` steps as a thick one. The y range spans the values seen (padded by
 * 5 %), so that the slow early fall of a Dice loss from about 1 is visible.
 */
export function drawLossCurve(canvas: HTMLCanvasElement, losses: readonly number[], window = 10): void {
  const context = canvas.getContext('2d');
  if (context === null) return;
  const { width, height } = canvas;
  const margin = { left: 48, right: 12, top: 12, bottom: 28 };
  context.fillStyle = '#fff';
  context.fillRect(0, 0, width, height);
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const seenHigh = losses.length === 0 ? 1 : Math.max(...losses);
  const seenLow = losses.length === 0 ? 0 : Math.min(...losses);
  const padding = Math.max(1e-4, (seenHigh - seenLow) * 0.05);
  const lowest = Math.max(0, seenLow - padding);
  const highest = seenHigh + padding;
  const steps = Math.max(2, losses.length);
  const x = (index: number) => margin.left + (index / (steps - 1)) * plotWidth;
  const y = (value: number) => margin.top + plotHeight - ((value - lowest) / (highest - lowest)) * plotHeight;
  context.strokeStyle = '#ddd';
  context.fillStyle = '#444';
  context.font = '11px sans-serif';
  for (let tick = 0; tick <= 4; tick++) {
    const value = lowest + ((highest - lowest) * tick) / 4;
    context.beginPath();
    context.moveTo(margin.left, y(value));
    context.lineTo(width - margin.right, y(value));
    context.stroke();
    context.fillText(value.toFixed(3), 4, y(value) + 4);
  }
  context.fillText(`step ${losses.length}`, width - margin.right - 60, height - 8);
  const line = (values: readonly number[], color: string, lineWidth: number) => {
    context.strokeStyle = color;
    context.lineWidth = lineWidth;
    context.beginPath();
    values.forEach((value, index) => (index === 0 ? context.moveTo(x(index), y(value)) : context.lineTo(x(index), y(value))));
    context.stroke();
    context.lineWidth = 1;
  };
  line(losses, '#9ecae1', 1);
  const averaged = losses.map((_, index) => {
    const from = Math.max(0, index - window + 1);
    const slice = losses.slice(from, index + 1);
    return slice.reduce((sum, value) => sum + value, 0) / slice.length;
  });
  line(averaged, '#08519c', 2.5);
}
