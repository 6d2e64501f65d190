// MONAI -> dicekit. From /work/main: npx tsx --conditions=source docs/porting/examples/monai.ts
//
// In PyTorch you would write:
//   loss = monai.losses.DiceCELoss(softmax=True, to_onehot_y=True, include_background=False, lambda_ce=0.5)
//   value = loss(logits, labels)          # logits (N, C, H, W), labels (N, 1, H, W)
import { computeLoss, isDiceKitError } from '@dicekit/core';
import { fromMonai } from '@dicekit/core/presets';

const shape = [1, 3, 2, 2];
// Logits, channels-first, one sample, three classes, 2x2 pixels.
const logits = Float64Array.from([2.0, -1.0, 0.5, 0.1, /* class 1 */ -0.5, 1.5, 0.2, -0.3, /* class 2 */ 0.0, 0.3, 1.8, 0.9]);
const labels = { shape: [1, 1, 2, 2], data: Int32Array.from([0, 1, 2, 2]) };

const { loss, options } = fromMonai(
  'DiceCELoss',
  { softmax: true, to_onehot_y: true, include_background: false, lambda_ce: 0.5 },
  { channels: 3 },
);
console.log('dicekit loss:', loss);
console.log('dicekit options:', options);
const result = computeLoss(loss, { shape, data: logits }, labels, options, { gradient: true });
console.log('value:', result.loss.data[0]);
console.log('d value / d logits[0..3]:', Array.from(result.gradient?.data.subarray(0, 4) ?? []));

// MaskedDiceLoss: the mask is dicekit's `mask`, passed with the data (binary masks, no activation).
const masked = fromMonai('MaskedDiceLoss', { include_background: false, batch: true });
const probabilities = { shape: [1, 2, 2, 2], data: Float64Array.from([0.9, 0.2, 0.6, 0.1, 0.1, 0.8, 0.4, 0.9]) };
const oneHot = { shape: [1, 2, 2, 2], data: Float64Array.from([1, 0, 1, 0, 0, 1, 0, 1]) };
const mask = { shape: [1, 1, 2, 2], data: Float64Array.from([1, 1, 0, 1]) };
console.log('MaskedDiceLoss value:', computeLoss(masked.loss, probabilities, oneHot, { ...masked.options, mask }).loss.data[0]);

// A setting dicekit cannot express exactly is refused, never approximated:
try {
  fromMonai('MaskedDiceLoss', { sigmoid: true });
} catch (error) {
  if (!isDiceKitError(error)) throw error;
  console.log('refused:', error.message);
}
