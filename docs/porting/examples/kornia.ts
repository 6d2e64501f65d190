// kornia -> dicekit. From /work/main: npx tsx --conditions=source docs/porting/examples/kornia.ts
//
// In PyTorch you would write:  kornia.losses.dice_loss(logits, labels, average="macro", weight=w)
// kornia one-hot encodes `labels` with a 1e-6 smoothing; the exact dicekit counterpart takes that
// smoothed one-hot as a dense target.
import { computeLoss } from '@dicekit/core';
import { fromKornia } from '@dicekit/core/presets';

const logits = { shape: [1, 2, 2, 2], data: Float64Array.from([1.2, -0.3, 0.5, -1.0, -0.2, 0.9, 0.1, 1.4]) };
const labels = [0, 1, 0, 1];
const smoothing = 1e-6;
const smoothedOneHot = new Float64Array(8);
for (let pixel = 0; pixel < 4; pixel++) {
  for (let channel = 0; channel < 2; channel++) {
    smoothedOneHot[channel * 4 + pixel] = (labels[pixel] === channel ? 1 : 0) * (1 - smoothing) + smoothing;
  }
}

const { loss, options } = fromKornia('dice_loss', { average: 'macro', weight: [0.5, 2] });
console.log('options:', options);
console.log('value:', computeLoss(loss, logits, { shape: [1, 2, 2, 2], data: smoothedOneHot }, options).loss.data[0]);
