/** Overlay colours of the foreground classes, in channel order (red spots, blue streaks). */
const CLASS_COLORS = [
  [235, 50, 40],
  [30, 160, 255],
] as const;

/**
 * Draws `count` images side by side at `(left, top)`, each `size × size` pixels scaled by `scale`,
 * in grayscale with every pixel whose class channel is on (`isOn(image, pixel, channel)`) tinted
 * with that class's colour.
 */
export function drawMaskOverlay(
  context: CanvasRenderingContext2D,
  images: Float32Array,
  size: number,
  count: number,
  isOn: (image: number, pixel: number, channel: number) => boolean,
  left: number,
  top: number,
  scale: number,
  gap: number,
): void {
  const pixels = size * size;
  for (let image = 0; image < count; image++) {
    const data = context.createImageData(size, size);
    for (let pixel = 0; pixel < pixels; pixel++) {
      const gray = Math.round(255 * Math.min(1, Math.max(0, images[image * pixels + pixel] as number)));
      let color = [gray, gray, gray];
      CLASS_COLORS.forEach((overlay, channel) => {
        if (isOn(image, pixel, channel)) color = color.map((value, component) => Math.round(value * 0.3 + (overlay[component] as number) * 0.7));
      });
      data.data.set([...color, 255], pixel * 4);
    }
    // Draw at 1:1 on a scratch canvas, then scale it up without smoothing.
    const scratch = document.createElement('canvas');
    scratch.width = size;
    scratch.height = size;
    scratch.getContext('2d')?.putImageData(data, 0, 0);
    context.imageSmoothingEnabled = false;
    context.drawImage(scratch, left + image * (size * scale + gap), top, size * scale, size * scale);
  }
}
