// Whatever peer options a preset accepts, the dicekit options it returns must be valid: core never
// refuses them (no E_OPTION from computeLoss) on data of the shape the peer expects.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDiceKitError } from '../errors/dicekit-error.js';
import { computeLoss } from '../losses/compute-loss.js';
import { fromKeras } from './keras.js';
import { fromMonai, type MonaiLossClass } from './monai.js';
import { fromNnunet, type NnunetLossClass } from './nnunet.js';
import type { PresetResult } from './peer-options.js';
import { fromSmp, type SmpLossClass } from './smp.js';

const BATCH = 2;
const SPATIAL = [3, 2];
const VOXELS = 6;

/** Runs the translated loss on valid data of the peer's layout; rethrows only E_OPTION. */
function runTranslated(result: PresetResult, channels: number, seed: number): void {
  const options = result.options;
  const channelsLast = options.layout === 'channels-last';
  const shape = channelsLast ? [BATCH, ...SPATIAL, channels] : [BATCH, channels, ...SPATIAL];
  let state = seed >>> 0;
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const input = Float64Array.from({ length: BATCH * channels * VOXELS }, () => 0.05 + 0.9 * random());
  const labels = Int32Array.from({ length: BATCH * VOXELS }, () => Math.floor(random() * (channels === 1 ? 2 : channels)));
  let target;
  if (options.targetFormat === 'labels') {
    target = { shape: channelsLast ? [BATCH, ...SPATIAL, 1] : [BATCH, 1, ...SPATIAL], data: labels };
  } else {
    const dense = new Float64Array(input.length);
    for (let n = 0; n < BATCH; n++) {
      for (let v = 0; v < VOXELS; v++) {
        const label = labels[n * VOXELS + v] as number;
        for (let c = 0; c < channels; c++) {
          const index = channelsLast ? (n * VOXELS + v) * channels + c : (n * channels + c) * VOXELS + v;
          dense[index] = channels === 1 ? label : label === c ? 1 : 0;
        }
      }
    }
    target = { shape, data: dense };
  }
  const mask = { shape: [BATCH, ...SPATIAL], data: Float64Array.from({ length: BATCH * VOXELS }, () => (random() < 0.8 ? 1 : 0)) };
  const withClassesInRange = options.classes === undefined || options.classes.every((index) => index < channels);
  const withWeightsOfLength = options.classWeights === undefined || options.classWeights.length === channels;
  if (!withClassesInRange || !withWeightsOfLength) return; // peer options that name channels the data lacks
  try {
    computeLoss(result.loss, { shape, data: input }, target, { ...options, mask }, { gradient: true });
  } catch (error) {
    if (isDiceKitError(error) && error.code === 'E_OPTION') {
      throw new Error(`core refused the translation ${JSON.stringify({ loss: result.loss, options })} with C = ${channels}: ${error.message}`);
    }
    throw error;
  }
}

/** Calls a preset; a refusal (E_OPTION) means "not expressible" and ends the property for this draw. */
function translate(call: () => PresetResult): PresetResult | null {
  try {
    return call();
  } catch (error) {
    if (isDiceKitError(error) && error.code === 'E_OPTION') return null;
    throw error;
  }
}

const smooth = fc.constantFrom(0, 1e-5, 0.5, 1);
const channels = fc.integer({ min: 1, max: 3 });

describe('accepted peer settings always give options core accepts', () => {
  it('MONAI', () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.constantFrom<MonaiLossClass>('DiceLoss', 'MaskedDiceLoss', 'GeneralizedDiceLoss', 'TverskyLoss', 'DiceCELoss', 'DiceFocalLoss'),
        fc.record(
          {
            include_background: fc.boolean(),
            to_onehot_y: fc.boolean(),
            sigmoid: fc.boolean(),
            softmax: fc.boolean(),
            reduction: fc.constantFrom('mean', 'sum', 'none'),
            smooth_nr: smooth,
            smooth_dr: smooth,
            batch: fc.boolean(),
            soft_label: fc.boolean(),
            squared_pred: fc.boolean(),
            jaccard: fc.boolean(),
            weight: fc.constantFrom(null, 2, [0.5, 1, 2], [1, 3]),
          },
          { requiredKeys: [] },
        ),
        channels,
        fc.integer(),
        (lossClass, options, count, seed) => {
          const picked: Record<string, unknown> = { ...options };
          if (lossClass === 'GeneralizedDiceLoss' || lossClass === 'TverskyLoss') {
            delete picked.squared_pred;
            delete picked.jaccard;
            delete picked.weight;
          }
          const result = translate(() => fromMonai(lossClass, picked, { channels: count }));
          if (result === null) return;
          accepted++;
          runTranslated(result, count, seed);
        },
      ),
      { numRuns: 400, seed: 20261126 },
    );
    console.log(`MONAI: ${accepted}/400 random settings translated and accepted by core`);
    expect(accepted).toBeGreaterThan(40);
  });

  it('segmentation_models_pytorch', () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.constantFrom<SmpLossClass>('DiceLoss', 'JaccardLoss', 'TverskyLoss'),
        fc.constantFrom<'current' | '0.3'>('current', '0.3'),
        fc.constantFrom<'binary' | 'multiclass' | 'multilabel'>('binary', 'multiclass', 'multilabel'),
        fc.record(
          {
            classes: fc.constantFrom(null, [0], [1, 0], [0, 2]),
            log_loss: fc.boolean(),
            from_logits: fc.boolean(),
            smooth,
            ignore_index: fc.constantFrom(null, 255),
            eps: fc.constantFrom(1e-7, 1e-3),
            class_weights: fc.constantFrom(null, [1, 2, 0.5], [1, 3]),
            gamma: fc.constantFrom(1, 2, 0.75),
          },
          { requiredKeys: [] },
        ),
        channels,
        fc.integer(),
        (lossClass, version, mode, options, count, seed) => {
          const picked: Record<string, unknown> = { mode, ...options };
          if (lossClass !== 'TverskyLoss') delete picked.gamma;
          if (version === '0.3') delete picked.class_weights;
          // smp's binary mode is one channel by construction.
          const channelCount = mode === 'binary' ? 1 : count;
          const result = translate(() => fromSmp(lossClass, picked as never, { version, channels: channelCount }));
          if (result === null) return;
          accepted++;
          runTranslated(result, channelCount, seed);
        },
      ),
      { numRuns: 400, seed: 20261126 },
    );
    console.log(`smp: ${accepted}/400 random settings translated and accepted by core`);
    expect(accepted).toBeGreaterThan(40);
  });

  it('nnU-Net', () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.constantFrom<NnunetLossClass>('SoftDiceLoss', 'MemoryEfficientSoftDiceLoss', 'DC_and_CE_loss', 'DC_and_BCE_loss'),
        fc.record({ batch_dice: fc.boolean(), do_bg: fc.boolean(), smooth, ddp: fc.constant(false) }, { requiredKeys: [] }),
        fc.constantFrom(null, 'softmax_helper_dim1', 'torch.sigmoid'),
        fc.constantFrom<'labels' | 'dense'>('labels', 'dense'),
        fc.record({ weight_ce: fc.constantFrom(0, 1, 2), weight_dice: fc.constantFrom(0, 1), use_ignore_label: fc.boolean() }, { requiredKeys: [] }),
        channels,
        fc.integer(),
        (lossClass, kwargs, nonlinearity, targetFormat, compound, count, seed) => {
          let options: Record<string, unknown>;
          if (lossClass === 'DC_and_CE_loss') options = { soft_dice_kwargs: kwargs, ce_kwargs: {}, weight_ce: compound.weight_ce, weight_dice: compound.weight_dice };
          else if (lossClass === 'DC_and_BCE_loss') options = { soft_dice_kwargs: kwargs, bce_kwargs: {}, ...compound };
          else options = { ...kwargs, apply_nonlin: nonlinearity };
          const result = translate(() => fromNnunet(lossClass, options, { channels: count, targetFormat }));
          if (result === null) return;
          accepted++;
          runTranslated(result, count, seed);
        },
      ),
      { numRuns: 300, seed: 20261126 },
    );
    console.log(`nnU-Net: ${accepted}/300 random settings translated and accepted by core`);
    expect(accepted).toBeGreaterThan(30);
  });

  it('Keras', () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.constantFrom<'Dice' | 'Tversky'>('Dice', 'Tversky'),
        fc.constantFrom(null, [1, 2], [0, 1, 2], [1, 2, 3], [-3, -2], [0, 1, 2, 3]),
        fc.constantFrom('sum_over_batch_size', 'sum', null),
        channels,
        fc.integer(),
        (lossClass, axis, reduction, count, seed) => {
          const result = translate(() =>
            fromKeras(lossClass, lossClass === 'Tversky' ? { axis, reduction, alpha: 0.3, beta: 0.7 } : { axis, reduction }, { rank: 4, channels: count }),
          );
          if (result === null) return;
          accepted++;
          runTranslated(result, count, seed);
        },
      ),
      { numRuns: 200, seed: 20261126 },
    );
    console.log(`Keras: ${accepted}/200 random settings translated and accepted by core`);
    expect(accepted).toBeGreaterThan(20);
  });
});
