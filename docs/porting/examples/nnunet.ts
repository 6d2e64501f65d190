// nnU-Net v2 -> dicekit. From /work/main: npx tsx --conditions=source docs/porting/examples/nnunet.ts
//
// nnU-Net's trainer builds:
//   DC_and_CE_loss({"batch_dice": False, "smooth": 1e-5, "do_bg": False, "ddp": False}, {},
//                  weight_ce=1, weight_dice=1, ignore_label=None, dice_class=MemoryEfficientSoftDiceLoss)
// and returns  weight_ce * CE - weight_dice * mean(dc)  (a NEGATIVE Dice). dicekit returns
// weight_ce * CE + weight_dice * mean(1 - dc): the same gradient, the value shifted by weight_dice.
import { computeLoss, isDiceKitError } from '@dicekit/core';
import { fromNnunet } from '@dicekit/core/presets';

const logits = { shape: [1, 3, 2, 2], data: Float64Array.from([2.0, -1.0, 0.5, 0.1, -0.5, 1.5, 0.2, -0.3, 0.0, 0.3, 1.8, 0.9]) };
const labels = { shape: [1, 1, 2, 2], data: Int32Array.from([0, 1, 2, 2]) };

const weightDice = 1;
const { loss, options } = fromNnunet('DC_and_CE_loss', {
  soft_dice_kwargs: { batch_dice: false, smooth: 1e-5, do_bg: false, ddp: false },
  ce_kwargs: {},
  weight_ce: 1,
  weight_dice: weightDice,
  ignore_label: null,
  dice_class: 'MemoryEfficientSoftDiceLoss',
});
const value = computeLoss(loss, logits, labels, options).loss.data[0] as number;
console.log('dicekit options:', options);
console.log('dicekit value:', value, ' nnU-Net would print:', value - weightDice);

// The Dice class alone: nnU-Net's value is dicekit's minus 1.
const dice = fromNnunet('MemoryEfficientSoftDiceLoss', { apply_nonlin: 'softmax_helper_dim1', batch_dice: true, do_bg: true, smooth: 1, ddp: false });
const diceValue = computeLoss(dice.loss, logits, labels, dice.options).loss.data[0] as number;
console.log('MemoryEfficientSoftDiceLoss: dicekit', diceValue, ' nnU-Net', diceValue - 1);

try {
  fromNnunet('SoftDiceLoss', { apply_nonlin: 'softmax_helper_dim1', batch_dice: true, ddp: true });
} catch (error) {
  if (!isDiceKitError(error)) throw error;
  console.log('refused:', error.message);
}
