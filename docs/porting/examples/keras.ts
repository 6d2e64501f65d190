// Keras 3 -> dicekit. From /work/main: npx tsx --conditions=source docs/porting/examples/keras.ts
//
// In Keras you would write:
//   model.compile(loss=keras.losses.Dice(axis=(1, 2)))          # y_pred (N, H, W, C) probabilities
//   model.compile(loss=keras.losses.Tversky(alpha=0.3, beta=0.7, axis=(1, 2)))
import { computeLoss, isDiceKitError } from '@dicekit/core';
import { fromKeras } from '@dicekit/core/presets';

// Channels-last: one sample, 2x2 pixels, two classes.
const shape = [1, 2, 2, 2];
const prediction = { shape, data: Float64Array.from([0.9, 0.6, 0.3, 0.7, 0.6, 0.4, 0.5, 0.8]) };
const truth = { shape, data: Float64Array.from([1, 0, 0, 1, 1, 0, 0, 1]) };

const dice = fromKeras('Dice', { axis: [1, 2] }, { rank: 4 });
console.log('Dice options:', dice.options);
console.log('Dice value:', computeLoss(dice.loss, prediction, truth, dice.options).loss.data[0]);

// Keras's default axis=None pools batch AND classes into one score: dicekit's uniform generalizedDice.
const pooled = fromKeras('Dice');
console.log('Dice(axis=None):', pooled.loss, computeLoss(pooled.loss, prediction, truth, pooled.options).loss.data[0]);

const tversky = fromKeras('Tversky', { alpha: 0.3, beta: 0.7, axis: [1, 2] }, { rank: 4 });
console.log('Tversky value:', computeLoss(tversky.loss, prediction, truth, tversky.options).loss.data[0]);
// Keras releases before keras-team/keras#23333 applied alpha to false negatives:
const old = fromKeras('Tversky', { alpha: 0.3, beta: 0.7, axis: [1, 2] }, { rank: 4, alphaBetaSwapped: true });
console.log('Tversky value (pre-fix Keras):', computeLoss(old.loss, prediction, truth, old.options).loss.data[0]);

try {
  fromKeras('Tversky', { alpha: 0.3, beta: 0.7 }, { channels: 2 });
} catch (error) {
  if (!isDiceKitError(error)) throw error;
  console.log('refused:', error.message);
}
