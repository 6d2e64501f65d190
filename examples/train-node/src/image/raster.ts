import { FONT_ADVANCE, FONT_HEIGHT, glyphRows } from './bitmap-font.js';
import { encodePng } from './png-encoder.js';

/** An RGB colour, each component in 0..255. */
export type Color = readonly [number, number, number];

/**
 * A minimal RGB drawing surface (no native canvas module needed): rectangles, lines, dashed
 * lines, text in a 5×7 bitmap font, and PNG output. Coordinates are pixels, origin top left;
 * drawing outside the surface is clipped.
 */
export class Raster {
  readonly width: number;
  readonly height: number;
  /** Row-major RGB bytes, `width · height · 3`. */
  readonly pixels: Uint8Array;

  constructor(width: number, height: number, background: Color = [255, 255, 255]) {
    this.width = width;
    this.height = height;
    this.pixels = new Uint8Array(width * height * 3);
    this.fillRect(0, 0, width, height, background);
  }

  /** Sets one pixel, blending `color` over it with `opacity` in [0, 1] (default opaque). */
  setPixel(x: number, y: number, color: Color, opacity = 1): void {
    const column = Math.round(x);
    const row = Math.round(y);
    if (column < 0 || row < 0 || column >= this.width || row >= this.height) return;
    const offset = (row * this.width + column) * 3;
    for (let component = 0; component < 3; component++) {
      const current = this.pixels[offset + component] as number;
      this.pixels[offset + component] = Math.round(current + (color[component]! - current) * opacity);
    }
  }

  /** Fills the rectangle `[x, x + width) × [y, y + height)`. */
  fillRect(x: number, y: number, width: number, height: number, color: Color, opacity = 1): void {
    for (let row = Math.max(0, Math.floor(y)); row < Math.min(this.height, Math.floor(y + height)); row++) {
      for (let column = Math.max(0, Math.floor(x)); column < Math.min(this.width, Math.floor(x + width)); column++) {
        this.setPixel(column, row, color, opacity);
      }
    }
  }

  /** Outlines a rectangle with a one-pixel border. */
  strokeRect(x: number, y: number, width: number, height: number, color: Color): void {
    this.fillRect(x, y, width, 1, color);
    this.fillRect(x, y + height - 1, width, 1, color);
    this.fillRect(x, y, 1, height, color);
    this.fillRect(x + width - 1, y, 1, height, color);
  }

  /**
   * Draws a line of the given thickness by stamping squares along it every half pixel;
   * with `dash` `[on, off]` (pixels) it is dashed.
   */
  drawLine(x0: number, y0: number, x1: number, y1: number, color: Color, thickness = 1, dash?: readonly [number, number]): void {
    const length = Math.hypot(x1 - x0, y1 - y0);
    const steps = Math.max(1, Math.ceil(length * 2));
    const half = (thickness - 1) / 2;
    for (let step = 0; step <= steps; step++) {
      const travelled = (step / steps) * length;
      if (dash !== undefined && travelled % (dash[0] + dash[1]) >= dash[0]) continue;
      const x = x0 + ((x1 - x0) * step) / steps;
      const y = y0 + ((y1 - y0) * step) / steps;
      for (let offsetY = -half; offsetY <= half; offsetY++) {
        for (let offsetX = -half; offsetX <= half; offsetX++) this.setPixel(x + offsetX, y + offsetY, color);
      }
    }
  }

  /** Draws `text` with its top-left corner at `(x, y)`, each font pixel `scale` pixels wide. */
  drawText(x: number, y: number, text: string, color: Color, scale = 1): void {
    let cursor = x;
    for (const character of text) {
      const rows = glyphRows(character);
      rows.forEach((line, row) => {
        for (let column = 0; column < line.length; column++) {
          if (line[column] === '#') this.fillRect(cursor + column * scale, y + row * scale, scale, scale, color);
        }
      });
      cursor += FONT_ADVANCE * scale;
    }
  }

  /** Width in pixels of `text` drawn at `scale`. */
  static textWidth(text: string, scale = 1): number {
    return Math.max(0, [...text].length * FONT_ADVANCE * scale - scale);
  }

  /** Height in pixels of a line of text at `scale`. */
  static textHeight(scale = 1): number {
    return FONT_HEIGHT * scale;
  }

  /** The surface as a PNG file. */
  toPng(): Uint8Array {
    return encodePng(this.width, this.height, this.pixels);
  }
}
