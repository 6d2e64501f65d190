// Computes every loss of the Dice family with its gradient on a seeded 3D example and prints a table:
// the value, the gradient's norm, and a central finite-difference check of one gradient element.
// Run: npx -y pnpm@12.4.2 losses-table
import { computeLoss, type LossName, type LossOptions } from '@dicekit/core';
import { mulberry32 } from '@dicekit/conformance';

const [batch, channels, depth, height, width] = [2, 3, 16, 32, 32];
const voxels = depth * height * width;
const random = mulberry32(2026);
// Logits with a small foreground: class 1 and 2 blobs in a mostly-background volume.
const labels = new Int32Array(batch * voxels);
const logits = new Float64Array(batch * channels * voxels);
for (let n = 0; n < batch; n++) {
  for (let z = 0; z < depth; z++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const v = (z * height + y) * width + x;
        const inBlob1 = (z - 8) ** 2 + (y - 10) ** 2 + (x - 10) ** 2 < 16;
        const inBlob2 = (z - 6) ** 2 + (y - 22) ** 2 + (x - 20) ** 2 < 9;
        const label = inBlob1 ? 1 : inBlob2 ? 2 : 0;
        labels[n * voxels + v] = label;
        for (let c = 0; c < channels; c++) {
          logits[(n * channels + c) * voxels + v] = (c === label ? 2 : 0) + 2.5 * (random() - 0.5);
        }
      }
    }
  }
}
const input = { shape: [batch, channels, depth, height, width], data: logits };
const target = { shape: [batch, depth, height, width], data: labels };

const rows: Array<[string, LossName, LossOptions]> = [
  ['dice', 'dice', {}],
  ['dice (batchDice, no background)', 'dice', { batchDice: true, includeBackground: false }],
  ['dice (squared, V-Net)', 'dice', { squared: true }],
  ['dice (logLoss)', 'dice', { logLoss: true }],
  ['jaccard', 'jaccard', {}],
  ['tversky (alpha 0.3, beta 0.7)', 'tversky', { alpha: 0.3, beta: 0.7 }],
  ['focal tversky (gamma 0.75)', 'tversky', { alpha: 0.3, beta: 0.7, gamma: 0.75 }],
  ['generalizedDice (square)', 'generalizedDice', {}],
  ['logCoshDice', 'logCoshDice', {}],
  ['diceCE', 'diceCE', {}],
  ['diceFocal (gamma 2)', 'diceFocal', { focalAlpha: [0.25, 0.5, 0.25] }],
];

const probe = (1 * channels + 1) * voxels + (8 * height + 10) * width + 10; // inside blob 1, sample 1, class 1
const step = 1e-5;
console.log(`dicekit: every loss with its analytic gradient on a seeded [${input.shape.join(', ')}] volume (softmax logits, label map)\n`);
console.log(`${'loss'.padEnd(34)}${'value'.padStart(14)}${'|grad|'.padStart(14)}${'dL/dx[probe]'.padStart(16)}${'finite diff.'.padStart(16)}${'rel. diff'.padStart(12)}${'ms'.padStart(8)}`);
for (const [label, loss, extra] of rows) {
  const options: LossOptions = { activation: 'softmax', targetFormat: 'labels', ...extra };
  const started = performance.now();
  const result = computeLoss(loss, input, target, options, { gradient: true });
  const elapsed = performance.now() - started;
  const gradient = result.gradient!.data;
  let norm = 0;
  for (const g of gradient) norm += g * g;
  const shifted = (delta: number) => {
    const copy = Float64Array.from(logits);
    copy[probe] = (copy[probe] as number) + delta;
    return computeLoss(loss, { shape: input.shape, data: copy }, target, options).loss.data[0] as number;
  };
  const numeric = (shifted(step) - shifted(-step)) / (2 * step);
  const analytic = gradient[probe] as number;
  const relative = Math.abs(numeric - analytic) / Math.max(Math.abs(analytic), 1e-300);
  console.log(
    `${label.padEnd(34)}${(result.loss.data[0] as number).toFixed(8).padStart(14)}${Math.sqrt(norm).toExponential(3).padStart(14)}${analytic.toExponential(4).padStart(16)}${numeric.toExponential(4).padStart(16)}${relative.toExponential(1).padStart(12)}${elapsed.toFixed(0).padStart(8)}`,
  );
}
