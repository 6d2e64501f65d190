import { mulberry32 } from '@dicekit/core';

/** Class names of the synthetic scans, by label (0 is the background). */
export const CLASS_NAMES = ['background', 'organ', 'lesion'] as const;

/** A synthetic evaluation set: ground-truth label maps and a simulated model's logits. */
export interface EvaluationSet {
  readonly cases: number;
  readonly height: number;
  readonly width: number;
  /** Ground truth, `[cases, height, width]`, labels 0 (background), 1 (organ), 2 (lesion). */
  readonly labels: Int32Array;
  /** Model outputs, `[cases, 3, height, width]` (channels-first, as ONNX models emit them), logits. */
  readonly logits: Float32Array;
}

/**
 * Makes `cases` seeded 2D "scans" with a large organ (an ellipse, about 15 % of the image) holding
 * 0 to 2 small lesions (about 0.5 % each), and the logits of a plausible but imperfect model: the
 * organ outline shifted and resized by a pixel or two, lesions shifted, sometimes missed, sometimes
 * a false lesion elsewhere, plus logit noise that flips isolated pixels. The argmax of the logits is
 * the predicted mask.
 */
export function makeEvaluationSet(cases: number, seed: number, height = 96, width = 96): EvaluationSet {
  const uniform = mulberry32(seed);
  const between = (low: number, high: number) => low + (high - low) * uniform();
  const pixels = height * width;
  const labels = new Int32Array(cases * pixels);
  const logits = new Float32Array(cases * 3 * pixels);
  for (let index = 0; index < cases; index++) {
    const organ = { row: between(35, 60), column: between(35, 60), radiusRows: between(18, 26), radiusColumns: between(14, 22) };
    const lesions = Array.from({ length: Math.floor(between(0, 3)) }, () => ({
      row: organ.row + between(-0.5, 0.5) * organ.radiusRows,
      column: organ.column + between(-0.5, 0.5) * organ.radiusColumns,
      radius: between(2.5, 4.5),
    }));
    // The simulated model's view of the same anatomy.
    const predictedOrgan = {
      row: organ.row + between(-1.5, 1.5),
      column: organ.column + between(-1.5, 1.5),
      radiusRows: organ.radiusRows + between(-2, 1),
      radiusColumns: organ.radiusColumns + between(-2, 1),
    };
    const predictedLesions = lesions
      .filter(() => uniform() > 0.2)
      .map((lesion) => ({ row: lesion.row + between(-1, 1), column: lesion.column + between(-1, 1), radius: lesion.radius + between(-1, 0.5) }));
    if (uniform() < 0.25) predictedLesions.push({ row: between(10, height - 10), column: between(10, width - 10), radius: between(1.5, 3) });
    const insideEllipse = (shape: typeof organ, row: number, column: number) =>
      ((row - shape.row) / shape.radiusRows) ** 2 + ((column - shape.column) / shape.radiusColumns) ** 2 <= 1;
    const insideDisk = (disk: { row: number; column: number; radius: number }, row: number, column: number) =>
      (row - disk.row) ** 2 + (column - disk.column) ** 2 <= disk.radius ** 2;
    for (let row = 0; row < height; row++) {
      for (let column = 0; column < width; column++) {
        const pixel = row * width + column;
        let label = insideEllipse(organ, row, column) ? 1 : 0;
        if (lesions.some((lesion) => insideDisk(lesion, row, column))) label = 2;
        labels[index * pixels + pixel] = label;
        let predicted = insideEllipse(predictedOrgan, row, column) ? 1 : 0;
        if (predictedLesions.some((lesion) => insideDisk(lesion, row, column))) predicted = 2;
        for (let channel = 0; channel < 3; channel++) {
          const noise = (uniform() + uniform() + uniform() - 1.5) * 1.3;
          logits[(index * 3 + channel) * pixels + pixel] = (channel === predicted ? 2 : 0) + noise;
        }
      }
    }
  }
  return { cases, height, width, labels, logits };
}
