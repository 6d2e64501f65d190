import { gaussianSampler } from './gaussian.js';
import { mulberry32 } from '@dicekit/core';

/** The foreground classes of the synthetic set, in channel order (channel `k` is label `k + 1`). */
export const FOREGROUND_CLASS_NAMES = ['spots', 'streaks'] as const;

/** Settings of {@link generateSegmentationSet}. */
export interface SegmentationSetOptions {
  /** Number of images. */
  readonly count: number;
  /** Seed of the whole set: the same seed gives the same images bit for bit. */
  readonly seed: number;
  /** Side of the square images in pixels (default 64). */
  readonly size?: number;
  /** Standard deviation of the additive Gaussian pixel noise (default 0.12). */
  readonly noise?: number;
  /** Allowed fraction of foreground pixels per image, `[low, high]` (default `[0.01, 0.03]`). */
  readonly foregroundFraction?: readonly [number, number];
}

/** A synthetic segmentation set, channels-last, ready for tfjs. */
export interface SegmentationSet {
  readonly count: number;
  readonly size: number;
  /** Grayscale images, shape `[count, size, size, 1]`, values around [0, 1] (noise may leave it). */
  readonly images: Float32Array;
  /** Label map, shape `[count, size, size]`: 0 background, 1 spots, 2 streaks. */
  readonly labels: Int32Array;
  /**
   * One-hot targets of the two foreground classes (multi-label form, no background channel),
   * shape `[count, size, size, 2]`, as the sigmoid-output model predicts them.
   */
  readonly targets: Float32Array;
  /** Per image, the fraction of pixels of each foreground class, shape `[count, 2]`. */
  readonly classFractions: Float64Array;
}

interface Shape {
  readonly label: number;
  readonly intensity: number;
  /** Whether the pixel centre `(row, column)` lies inside. */
  contains(row: number, column: number): boolean;
}

/**
 * Generates a seeded, class-imbalanced segmentation set: each 64×64 image has a smooth uneven
 * background, an unlabelled faint distractor, 1 to 3 bright round "spots" (class 1) and, in about
 * three images out of four, a dimmer elongated "streak" (class 2), plus Gaussian noise. Foreground
 * covers between 1 % and 3 % of each image's pixels (placements are redrawn until it does), so the
 * background outnumbers each class by 30 to 200 times, the regime where Dice-type losses are used.
 *
 * Shapes: see {@link SegmentationSet}. Deterministic in `seed`.
 */
export function generateSegmentationSet(options: SegmentationSetOptions): SegmentationSet {
  const size = options.size ?? 64;
  const noise = options.noise ?? 0.12;
  const [lowFraction, highFraction] = options.foregroundFraction ?? [0.01, 0.03];
  const pixels = size * size;
  const uniform = mulberry32(options.seed);
  const gaussian = gaussianSampler(uniform);
  const images = new Float32Array(options.count * pixels);
  const labels = new Int32Array(options.count * pixels);
  const targets = new Float32Array(options.count * pixels * 2);
  const classFractions = new Float64Array(options.count * 2);
  const between = (low: number, high: number) => low + (high - low) * uniform();

  for (let image = 0; image < options.count; image++) {
    const imageLabels = labels.subarray(image * pixels, (image + 1) * pixels);
    let shapes: Shape[] = [];
    // Redraw the placements until the foreground fraction is in range and shapes do not touch.
    for (let attempt = 0; ; attempt++) {
      shapes = drawShapes(size, between, uniform() < 0.75);
      imageLabels.fill(0);
      const foreground = paintLabels(shapes, size, imageLabels);
      if (foreground >= 0 && foreground >= lowFraction * pixels && foreground <= highFraction * pixels) break;
      if (attempt > 1000) throw new Error('could not place shapes within the foreground fraction range');
    }

    // A smooth uneven background (two random low-frequency waves) and a faint unlabelled blob, so
    // that a plain intensity threshold is not enough.
    const waves = [0, 1].map(() => ({
      amplitude: between(0.03, 0.08),
      rowFrequency: between(-1, 1) * ((2 * Math.PI) / size),
      columnFrequency: between(-1, 1) * ((2 * Math.PI) / size),
      phase: between(0, 2 * Math.PI),
    }));
    const distractor = { row: between(8, size - 8), column: between(8, size - 8), radius: between(6, 11), intensity: between(0.08, 0.15) };
    const base = between(0.2, 0.3);
    const imagePixels = images.subarray(image * pixels, (image + 1) * pixels);
    for (let row = 0; row < size; row++) {
      for (let column = 0; column < size; column++) {
        let value = base;
        for (const wave of waves) value += wave.amplitude * Math.sin(wave.rowFrequency * row + wave.columnFrequency * column + wave.phase);
        const distance = Math.hypot(row - distractor.row, column - distractor.column);
        if (distance < distractor.radius) value += distractor.intensity;
        for (const shape of shapes) if (shape.contains(row, column)) value += shape.intensity;
        imagePixels[row * size + column] = value + noise * gaussian();
      }
    }

    for (let pixel = 0; pixel < pixels; pixel++) {
      const label = imageLabels[pixel] as number;
      if (label > 0) {
        targets[(image * pixels + pixel) * 2 + label - 1] = 1;
        classFractions[image * 2 + label - 1] = (classFractions[image * 2 + label - 1] as number) + 1 / pixels;
      }
    }
  }
  return { count: options.count, size, images, labels, targets, classFractions };
}

function drawShapes(size: number, between: (low: number, high: number) => number, withStreak: boolean): Shape[] {
  const shapes: Shape[] = [];
  const spots = Math.floor(between(1, 4));
  for (let index = 0; index < spots; index++) {
    const row = between(4, size - 4);
    const column = between(4, size - 4);
    const radius = between(1.8, 3.4);
    shapes.push({
      label: 1,
      intensity: between(0.4, 0.55),
      contains: (r, c) => (r - row) ** 2 + (c - column) ** 2 <= radius * radius,
    });
  }
  if (withStreak) {
    const row = between(6, size - 6);
    const column = between(6, size - 6);
    const length = between(3.5, 6);
    const width = between(1.1, 1.8);
    const angle = between(0, Math.PI);
    const cosine = Math.cos(angle);
    const sine = Math.sin(angle);
    shapes.push({
      label: 2,
      intensity: between(0.22, 0.32),
      contains: (r, c) => {
        const along = (r - row) * cosine + (c - column) * sine;
        const across = -(r - row) * sine + (c - column) * cosine;
        return (along / length) ** 2 + (across / width) ** 2 <= 1;
      },
    });
  }
  return shapes;
}

/** Writes the labels of `shapes`; returns the foreground pixel count, or -1 if two shapes touch. */
function paintLabels(shapes: readonly Shape[], size: number, labels: Int32Array): number {
  let foreground = 0;
  for (let row = 0; row < size; row++) {
    for (let column = 0; column < size; column++) {
      for (const shape of shapes) {
        if (!shape.contains(row, column)) continue;
        if (labels[row * size + column] !== 0) return -1;
        labels[row * size + column] = shape.label;
        foreground++;
      }
    }
  }
  // Shapes that merely touch would blur the instance boundary: require a one-pixel gap.
  for (let row = 0; row < size; row++) {
    for (let column = 0; column < size - 1; column++) {
      const here = labels[row * size + column] as number;
      const right = labels[row * size + column + 1] as number;
      const below = row + 1 < size ? (labels[(row + 1) * size + column] as number) : 0;
      if ((here > 0 && right > 0 && here !== right) || (here > 0 && below > 0 && here !== below)) return -1;
    }
  }
  return foreground;
}
