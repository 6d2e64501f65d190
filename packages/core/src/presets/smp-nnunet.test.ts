// Translation rules of smp and nnU-Net that the golden cases do not reach.
import { describe, expect, it } from 'vitest';
import { fromNnunet } from './nnunet.js';
import { fromSmp } from './smp.js';

describe('smp presets', () => {
  it("current Dice floors P + T + 2s at 2·eps; with log_loss smp's eps floors the score", () => {
    expect(fromSmp('DiceLoss', { mode: 'multilabel', smooth: 0.5, eps: 1e-6 }).options).toMatchObject({ smoothNumerator: 1, smoothDenominator: 1, eps: 2e-6, softLabel: true });
    expect(fromSmp('DiceLoss', { mode: 'multilabel', log_loss: true }).options).toMatchObject({ eps: 1e-7, logLoss: true });
    expect(fromSmp('JaccardLoss', { mode: 'multilabel', smooth: 0.5 }).options).toMatchObject({ smoothNumerator: 0.5, smoothDenominator: 0.5, eps: 1e-7 });
  });

  it('0.3.x Dice keeps smooth and eps as they are, without soft labels', () => {
    const { options } = fromSmp('DiceLoss', { mode: 'multiclass', smooth: 0.5 }, { version: '0.3' });
    expect(options).toEqual({
      activation: 'softmax',
      targetFormat: 'labels',
      batchDice: true,
      absentClasses: 'zero',
      smoothNumerator: 0.5,
      smoothDenominator: 0.5,
      eps: 1e-7,
    });
  });

  it('Tversky gamma is accepted when one class is averaged, and classes are sorted', () => {
    expect(fromSmp('TverskyLoss', { mode: 'multiclass', classes: [2], gamma: 2 }).options).toMatchObject({ classes: [2], gamma: 2 });
    expect(fromSmp('TverskyLoss', { mode: 'multilabel', gamma: 0.5 }, { channels: 1 }).options).toMatchObject({ gamma: 0.5 });
    expect(fromSmp('DiceLoss', { mode: 'multiclass', classes: [2, 0] }).options.classes).toEqual([0, 2]);
  });
});

describe('nnU-Net presets', () => {
  it('class defaults: smooth 1, do_bg, per sample, probabilities, label maps', () => {
    expect(fromNnunet('SoftDiceLoss')).toEqual({
      loss: 'dice',
      options: { activation: 'none', targetFormat: 'labels', smoothNumerator: 1, smoothDenominator: 1, eps: 1e-8, reduction: 'mean' },
    });
  });

  it('DC_and_BCE_loss with use_ignore_label scales the BCE weight by the region count', () => {
    const { loss, options } = fromNnunet('DC_and_BCE_loss', { weight_ce: 0.5, use_ignore_label: true, soft_dice_kwargs: { smooth: 1e-5, ddp: false } }, { channels: 4 });
    expect(loss).toBe('diceCE');
    expect(options).toMatchObject({ activation: 'sigmoid', targetFormat: 'dense', lambdaCE: 2, lambdaDice: 1 });
  });
});
