// One test per peer setting dicekit cannot express: each must throw E_OPTION naming the peer, the
// setting and the reason.
import { describe, expect, it } from 'vitest';
import { DiceKitError } from '../errors/dicekit-error.js';
import { fromKeras } from './keras.js';
import { fromKornia } from './kornia.js';
import { fromMonai } from './monai.js';
import { fromNnunet } from './nnunet.js';
import { fromSmp } from './smp.js';

interface Refusal {
  readonly setting: string;
  readonly call: () => unknown;
  /** The start of the message: peer and setting. */
  readonly prefix: string;
  /** A phrase of the reason. */
  readonly reason: string;
}

const REFUSALS: readonly Refusal[] = [
  // MONAI
  { setting: 'MONAI other_act', call: () => fromMonai('DiceLoss', { other_act: 'torch.tanh' as unknown as null }), prefix: 'MONAI DiceLoss: other_act', reason: 'arbitrary callable activation' },
  { setting: 'MONAI sigmoid with softmax', call: () => fromMonai('DiceLoss', { sigmoid: true, softmax: true }), prefix: 'MONAI DiceLoss: sigmoid=True with softmax=True', reason: 'MONAI itself rejects' },
  { setting: 'MONAI one-channel softmax', call: () => fromMonai('TverskyLoss', { softmax: true }, { channels: 1 }), prefix: 'MONAI TverskyLoss: softmax=True with a single channel', reason: 'skips the softmax' },
  { setting: 'MONAI GeneralizedDiceLoss soft_label', call: () => fromMonai('GeneralizedDiceLoss', { soft_label: true }), prefix: 'MONAI GeneralizedDiceLoss: soft_label=True', reason: 'has no softLabel option' },
  { setting: 'MONAI scalar weight without channels', call: () => fromMonai('DiceLoss', { weight: 2 }), prefix: 'MONAI DiceLoss: a scalar weight without settings.channels', reason: 'one weight per channel' },
  { setting: 'MONAI weight of the wrong length', call: () => fromMonai('DiceLoss', { weight: [1, 2, 3], include_background: false }, { channels: 3 }), prefix: 'MONAI DiceLoss: weight with 3 entries', reason: 'left after include_background (2)' },
  { setting: 'MONAI MaskedDiceLoss with an activation', call: () => fromMonai('MaskedDiceLoss', { sigmoid: true }), prefix: 'MONAI MaskedDiceLoss: sigmoid=True', reason: 'multiplies the raw input by the mask before the activation' },
  { setting: 'MONAI MaskedDiceLoss one-hot with background', call: () => fromMonai('MaskedDiceLoss', { to_onehot_y: true }), prefix: 'MONAI MaskedDiceLoss: to_onehot_y=True with include_background=True', reason: 'masked voxels become background labels' },
  { setting: 'MONAI compound jaccard', call: () => fromMonai('DiceCELoss', { softmax: true, jaccard: true }), prefix: 'MONAI DiceCELoss: jaccard=True', reason: 'Dice term only' },
  { setting: "MONAI compound reduction 'none'", call: () => fromMonai('DiceFocalLoss', { sigmoid: true, reduction: 'none' }), prefix: "MONAI DiceFocalLoss: reduction='none'", reason: 'return a scalar' },
  { setting: 'MONAI compound without activation', call: () => fromMonai('DiceCELoss', {}), prefix: 'MONAI DiceCELoss: sigmoid=False with softmax=False', reason: 'CE/focal term on logits' },
  { setting: 'MONAI DiceCELoss label_smoothing', call: () => fromMonai('DiceCELoss', { softmax: true, label_smoothing: 0.1 }), prefix: 'MONAI DiceCELoss: label_smoothing', reason: 'no label smoothing' },
  { setting: 'MONAI DiceCELoss sigmoid without channels', call: () => fromMonai('DiceCELoss', { sigmoid: true }), prefix: 'MONAI DiceCELoss: sigmoid=True without settings.channels', reason: 'BCE only when C == 1' },
  { setting: 'MONAI DiceCELoss sigmoid on several channels', call: () => fromMonai('DiceCELoss', { sigmoid: true }, { channels: 3 }), prefix: 'MONAI DiceCELoss: sigmoid=True with more than one channel', reason: 'softmax cross-entropy on the logits' },
  { setting: 'MONAI DiceCELoss weight with sigmoid', call: () => fromMonai('DiceCELoss', { sigmoid: true, weight: [2] }, { channels: 1 }), prefix: 'MONAI DiceCELoss: weight with sigmoid=True', reason: 'pos_weight' },
  { setting: 'MONAI DiceCELoss weight with a dense target', call: () => fromMonai('DiceCELoss', { softmax: true, weight: [1, 2, 3] }, { channels: 3 }), prefix: 'MONAI DiceCELoss: weight with a dense target', reason: 'divides by the voxel count' },
  { setting: 'MONAI DiceCELoss weight without the background entry', call: () => fromMonai('DiceCELoss', { softmax: true, to_onehot_y: true, include_background: false, weight: [2, 3] }, { channels: 3 }), prefix: 'MONAI DiceCELoss: weight with 2 entries', reason: 'one per channel (3), background included' },
  { setting: 'MONAI DiceFocalLoss weight', call: () => fromMonai('DiceFocalLoss', { sigmoid: true, weight: [1, 2, 3] }, { channels: 3 }), prefix: 'MONAI DiceFocalLoss: weight', reason: 'divides by the element count' },
  { setting: 'MONAI DiceFocalLoss without background', call: () => fromMonai('DiceFocalLoss', { sigmoid: true, include_background: false }, { channels: 3 }), prefix: 'MONAI DiceFocalLoss: include_background=False', reason: 'focal term also drops channel 0' },
  { setting: "MONAI DiceFocalLoss reduction 'sum'", call: () => fromMonai('DiceFocalLoss', { sigmoid: true, reduction: 'sum' }), prefix: "MONAI DiceFocalLoss: reduction='sum'", reason: 'averages over the spatial axes before summing' },
  { setting: 'MONAI DiceFocalLoss softmax', call: () => fromMonai('DiceFocalLoss', { softmax: true, to_onehot_y: true }, { channels: 3 }), prefix: 'MONAI DiceFocalLoss: softmax=True', reason: 'SIGMOID focal loss on the logits' },
  // segmentation_models_pytorch
  { setting: 'smp 0.3 class_weights', call: () => fromSmp('DiceLoss', { mode: 'multiclass', class_weights: [1, 2] }, { version: '0.3' }), prefix: 'smp 0.3.x DiceLoss: class_weights', reason: 'no class_weights option' },
  { setting: 'smp one-channel multiclass softmax', call: () => fromSmp('DiceLoss', { mode: 'multiclass' }, { channels: 1 }), prefix: "smp (current) DiceLoss: mode='multiclass' with from_logits=True on one channel", reason: 'every probability 1' },
  { setting: 'smp multilabel ignore_index', call: () => fromSmp('DiceLoss', { mode: 'multilabel', ignore_index: 255 }), prefix: "smp (current) DiceLoss: ignore_index with mode='multilabel'", reason: 'dicekit masks whole voxels' },
  { setting: 'smp binary classes', call: () => fromSmp('JaccardLoss', { mode: 'binary', classes: [0] }), prefix: "smp (current) JaccardLoss: classes with mode='binary'", reason: 'smp itself rejects' },
  { setting: 'smp repeated classes', call: () => fromSmp('DiceLoss', { mode: 'multiclass', classes: [1, 2, 1] }), prefix: 'smp (current) DiceLoss: classes with the repeated entry 1', reason: 'counts that class twice' },
  { setting: 'smp class_weights summing to 0', call: () => fromSmp('DiceLoss', { mode: 'multiclass', classes: [1], class_weights: [1, 0, 2] }), prefix: 'smp (current) DiceLoss: class_weights', reason: 'sum to 0' },
  { setting: 'smp Tversky log_loss with gamma', call: () => fromSmp('TverskyLoss', { mode: 'binary', log_loss: true, gamma: 2 }), prefix: 'smp (current) TverskyLoss: log_loss=True with gamma != 1', reason: 'requires gamma 1' },
  { setting: 'smp Tversky gamma over several classes', call: () => fromSmp('TverskyLoss', { mode: 'multiclass', gamma: 0.75 }, { channels: 3 }), prefix: 'smp (current) TverskyLoss: gamma=0.75', reason: 'raises the MEAN over classes to gamma' },
  // nnU-Net
  { setting: 'nnU-Net one-channel softmax', call: () => fromNnunet('DC_and_CE_loss', {}, { channels: 1 }), prefix: 'nnU-Net DC_and_CE_loss: a softmax over one channel', reason: 'every probability 1' },
  { setting: 'nnU-Net do_bg=False on one channel', call: () => fromNnunet('SoftDiceLoss', { apply_nonlin: 'torch.sigmoid', do_bg: false }, { channels: 1 }), prefix: 'nnU-Net SoftDiceLoss: do_bg=False with one channel', reason: 'averages an empty list' },
  { setting: 'nnU-Net clip_tp', call: () => fromNnunet('SoftDiceLoss', { clip_tp: 1, ddp: false }), prefix: 'nnU-Net SoftDiceLoss: clip_tp', reason: 'no floor on the intersection' },
  { setting: 'nnU-Net ddp with batch_dice', call: () => fromNnunet('MemoryEfficientSoftDiceLoss', { batch_dice: true }), prefix: 'nnU-Net MemoryEfficientSoftDiceLoss: ddp=True with batch_dice=True', reason: 'all-gathers the statistics' },
  { setting: 'nnU-Net other apply_nonlin', call: () => fromNnunet('SoftDiceLoss', { apply_nonlin: 'torch.tanh' }), prefix: 'nnU-Net SoftDiceLoss: apply_nonlin="torch.tanh"', reason: 'only None, softmax_helper_dim1 and torch.sigmoid' },
  { setting: 'nnU-Net ce_kwargs', call: () => fromNnunet('DC_and_CE_loss', { ce_kwargs: { label_smoothing: 0.1 } as never }), prefix: 'nnU-Net DC_and_CE_loss: ce_kwargs.label_smoothing', reason: 'CE term takes no options' },
  { setting: 'nnU-Net bce_kwargs', call: () => fromNnunet('DC_and_BCE_loss', { bce_kwargs: { pos_weight: 2 } as never }), prefix: 'nnU-Net DC_and_BCE_loss: bce_kwargs.pos_weight', reason: 'no pos_weight' },
  { setting: 'nnU-Net unknown dice_class', call: () => fromNnunet('DC_and_CE_loss', { dice_class: 'SoftSkeletonRecallLoss' }), prefix: 'nnU-Net DC_and_CE_loss: dice_class="SoftSkeletonRecallLoss"', reason: 'only SoftDiceLoss and MemoryEfficientSoftDiceLoss' },
  { setting: 'nnU-Net use_ignore_label without channels', call: () => fromNnunet('DC_and_BCE_loss', { use_ignore_label: true }), prefix: 'nnU-Net DC_and_BCE_loss: use_ignore_label=True without settings.channels', reason: 'lambdaCE = C·weight_ce' },
  // Keras
  { setting: 'Keras axis without rank', call: () => fromKeras('Dice', { axis: [1, 2] }), prefix: 'Keras Dice: axis=[1,2] without settings.rank', reason: 'rank of y_pred' },
  { setting: 'Keras axis leaving a spatial axis', call: () => fromKeras('Dice', { axis: [1] }, { rank: 4 }), prefix: 'Keras Dice: axis=[1]', reason: 'leaves spatial axis 2 unreduced' },
  { setting: 'Keras channel-pooled Tversky', call: () => fromKeras('Tversky', { alpha: 0.3, beta: 0.7 }, { channels: 3 }), prefix: 'Keras Tversky: axis=None', reason: 'pools the Tversky statistics over the channels' },
  // kornia
  { setting: 'kornia micro weight', call: () => fromKornia('dice_loss', { average: 'micro', weight: [1, 2] }), prefix: "kornia dice_loss: weight with average='micro'", reason: 'take no per-class weights' },
  { setting: 'kornia ignore_index', call: () => fromKornia('dice_loss', { average: 'macro', ignore_index: 255 }), prefix: 'kornia dice_loss: ignore_index', reason: 'cannot mark ignored pixels' },
];

describe('preset refusals (E_OPTION, one per inexpressible setting)', () => {
  for (const refusal of REFUSALS) {
    it(refusal.setting, () => {
      let caught: unknown;
      try {
        refusal.call();
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(DiceKitError);
      const error = caught as DiceKitError;
      expect(error.code).toBe('E_OPTION');
      expect(error.message.startsWith(`E_OPTION: ${refusal.prefix}`)).toBe(true);
      expect(error.message).toContain('cannot be expressed in dicekit');
      expect(error.message).toContain(refusal.reason);
    });
  }

  it('refuses unknown peer option names', () => {
    expect(() => fromMonai('DiceLoss', { smooth: 1 } as never)).toThrow(/E_OPTION: MONAI DiceLoss: unknown option 'smooth'/);
    expect(() => fromSmp('DiceLoss', { mode: 'binary', weights: [1] } as never)).toThrow(/unknown option 'weights'/);
    expect(() => fromNnunet('SoftDiceLoss', { smooth_nr: 1 } as never)).toThrow(/unknown option 'smooth_nr'/);
    expect(() => fromKeras('Dice', { alpha: 0.5 } as never)).toThrow(/unknown option 'alpha'/);
  });
});
