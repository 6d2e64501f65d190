// segmentation_models_pytorch -> dicekit. From /work/main: npx tsx --conditions=source docs/porting/examples/smp.ts
//
// In PyTorch you would write:
//   loss = smp.losses.DiceLoss(mode="multiclass", ignore_index=255, smooth=1.0)
//   value = loss(logits, labels)          # logits (N, C, H, W), labels (N, H, W)
import { computeLoss, isDiceKitError } from '@dicekit/core';
import { fromSmp } from '@dicekit/core/presets';

const logits = { shape: [2, 2, 1, 3], data: Float64Array.from([1.0, -0.5, 0.3, -1.0, 0.8, 0.2, 0.4, 0.4, -2.0, 0.1, 0.0, 1.5]) };
const labels = { shape: [2, 1, 3], data: Int32Array.from([0, 1, 255, 0, 0, 1]) };

for (const version of ['current', '0.3'] as const) {
  const { loss, options } = fromSmp('DiceLoss', { mode: 'multiclass', ignore_index: 255, smooth: 1.0 }, { version });
  const value = computeLoss(loss, logits, labels, options).loss.data[0];
  console.log(`smp ${version}:`, JSON.stringify(options), '->', value);
}

// smp zeroes the loss of a class absent from the whole batch (absentClasses: 'zero') but still
// counts it in the mean: with class 1 absent, the mean is over 2 classes, one of them 0.
const absent = { shape: [2, 1, 3], data: Int32Array.from([0, 0, 0, 0, 0, 0]) };
const { loss, options } = fromSmp('DiceLoss', { mode: 'multiclass' });
console.log('class 1 absent:', computeLoss(loss, logits, absent, { ...options, reduction: 'none' }).loss.data);

try {
  fromSmp('TverskyLoss', { mode: 'multiclass', gamma: 0.75 }, { channels: 2 });
} catch (error) {
  if (!isDiceKitError(error)) throw error;
  console.log('refused:', error.message);
}
