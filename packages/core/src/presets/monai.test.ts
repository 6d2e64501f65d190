// MONAI translations the golden cases do not reach (DiceFocalLoss on label maps, weighted DiceCELoss, masked
// label maps, scalar weights), checked against MONAI 1.5's formulas written out here in float64.
import { describe, expect, it } from 'vitest';
import { computeLoss } from '../losses/compute-loss.js';
import { fromMonai } from './monai.js';

const BATCH = 2;
const CHANNELS = 3;
const VOXELS = 20;
const SHAPE = [BATCH, CHANNELS, 4, 5];
const LABEL_SHAPE = [BATCH, 1, 4, 5];

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

const random = seeded(7);
const logits = Float64Array.from({ length: BATCH * CHANNELS * VOXELS }, () => 4 * random() - 2);
const labels = Int32Array.from({ length: BATCH * VOXELS }, () => Math.floor(random() * CHANNELS));
const binaryMask = Float64Array.from({ length: BATCH * VOXELS }, () => (random() < 0.7 ? 1 : 0));
const at = (n: number, c: number, v: number) => (n * CHANNELS + c) * VOXELS + v;

function softmax(values: Float64Array): Float64Array {
  const out = new Float64Array(values.length);
  for (let n = 0; n < BATCH; n++) {
    for (let v = 0; v < VOXELS; v++) {
      let max = -Infinity;
      for (let c = 0; c < CHANNELS; c++) max = Math.max(max, values[at(n, c, v)] as number);
      let total = 0;
      for (let c = 0; c < CHANNELS; c++) total += Math.exp((values[at(n, c, v)] as number) - max);
      for (let c = 0; c < CHANNELS; c++) out[at(n, c, v)] = Math.exp((values[at(n, c, v)] as number) - max) / total;
    }
  }
  return out;
}

const oneHot = (n: number, c: number, v: number) => (labels[n * VOXELS + v] === c ? 1 : 0);

/** MONAI DiceLoss per (n, c): `1 - (2I + nr) / (P + T + dr)` over the given channels. */
function diceMatrix(p: Float64Array, target: (n: number, c: number, v: number) => number, channels: number[], nr = 1e-5, dr = 1e-5): number[][] {
  return Array.from({ length: BATCH }, (_, n) =>
    channels.map((c) => {
      let intersection = 0;
      let prediction = 0;
      let truth = 0;
      for (let v = 0; v < VOXELS; v++) {
        const t = target(n, c, v);
        intersection += (p[at(n, c, v)] as number) * t;
        prediction += p[at(n, c, v)] as number;
        truth += t;
      }
      return 1 - (2 * intersection + nr) / (prediction + truth + dr);
    }),
  );
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const allChannels = [0, 1, 2];

function expectClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-12 + 1e-9 * Math.abs(expected));
}

describe('MONAI presets beyond the golden cases', () => {
  it('DiceFocalLoss with sigmoid on a label map: focal mean over N·C·V elements, alpha per element', () => {
    const peer = { sigmoid: true, to_onehot_y: true, gamma: 1.5, alpha: 0.3, lambda_dice: 0.4, lambda_focal: 0.7 };
    const { loss, options } = fromMonai('DiceFocalLoss', peer, { channels: CHANNELS });
    const p = logits.map((value) => 1 / (1 + Math.exp(-value)));
    let focal = 0;
    for (let n = 0; n < BATCH; n++) {
      for (let c = 0; c < CHANNELS; c++) {
        for (let v = 0; v < VOXELS; v++) {
          const probability = p[at(n, c, v)] as number;
          const t = oneHot(n, c, v);
          focal += t === 1 ? -peer.alpha * (1 - probability) ** peer.gamma * Math.log(probability) : -(1 - peer.alpha) * probability ** peer.gamma * Math.log(1 - probability);
        }
      }
    }
    focal /= BATCH * CHANNELS * VOXELS;
    const dice = mean(diceMatrix(p, oneHot, allChannels).flat());
    const actual = computeLoss(loss, { shape: SHAPE, data: logits }, { shape: LABEL_SHAPE, data: labels }, options).loss.data[0] as number;
    expectClose(actual, peer.lambda_dice * dice + peer.lambda_focal * focal);
  });

  it('DiceCELoss without background: weight[1:] for the Dice term, all C weights for the CE', () => {
    const weight = [0.25, 1.5, 0.75];
    const { loss, options } = fromMonai('DiceCELoss', { softmax: true, to_onehot_y: true, include_background: false, weight }, { channels: CHANNELS });
    const p = softmax(logits);
    let weightedLoss = 0;
    let weightSum = 0;
    for (let n = 0; n < BATCH; n++) {
      for (let v = 0; v < VOXELS; v++) {
        const label = labels[n * VOXELS + v] as number;
        weightedLoss += (weight[label] as number) * -Math.log(p[at(n, label, v)] as number);
        weightSum += weight[label] as number;
      }
    }
    const dice = mean(diceMatrix(p, oneHot, [1, 2]).flatMap((row) => row.map((value, index) => value * (weight[index + 1] as number))));
    const actual = computeLoss(loss, { shape: SHAPE, data: logits }, { shape: LABEL_SHAPE, data: labels }, options).loss.data[0] as number;
    expectClose(actual, dice + weightedLoss / weightSum);
  });

  it('DiceCELoss with softmax, label maps and weight: weighted Dice mean and torch weighted CE', () => {
    const weight = [0.5, 1, 2];
    const { loss, options } = fromMonai('DiceCELoss', { softmax: true, to_onehot_y: true, weight, lambda_ce: 0.6 }, { channels: CHANNELS });
    const p = softmax(logits);
    let weightedLoss = 0;
    let weightSum = 0;
    for (let n = 0; n < BATCH; n++) {
      for (let v = 0; v < VOXELS; v++) {
        const label = labels[n * VOXELS + v] as number;
        weightedLoss += (weight[label] as number) * -Math.log(p[at(n, label, v)] as number);
        weightSum += weight[label] as number;
      }
    }
    const dice = mean(diceMatrix(p, oneHot, allChannels).flatMap((row) => row.map((value, c) => value * (weight[c] as number))));
    const actual = computeLoss(loss, { shape: SHAPE, data: logits }, { shape: LABEL_SHAPE, data: labels }, options).loss.data[0] as number;
    expectClose(actual, dice + 0.6 * (weightedLoss / weightSum));
  });

  it('MaskedDiceLoss on a label map without background: input·mask and labels·mask', () => {
    const { loss, options } = fromMonai('MaskedDiceLoss', { to_onehot_y: true, include_background: false, smooth_nr: 0.5 }, { channels: CHANNELS });
    const p = softmax(logits);
    const maskedProbabilities = p.map((value, index) => value * (binaryMask[Math.floor(index / (CHANNELS * VOXELS)) * VOXELS + (index % VOXELS)] as number));
    // MONAI one-hot encodes labels·mask: masked voxels become background, dropped with channel 0.
    const maskedTarget = (n: number, c: number, v: number) => ((labels[n * VOXELS + v] as number) * (binaryMask[n * VOXELS + v] as number) === c ? 1 : 0);
    const expected = mean(diceMatrix(maskedProbabilities, maskedTarget, [1, 2], 0.5).flat());
    const actual = computeLoss(loss, { shape: SHAPE, data: p }, { shape: LABEL_SHAPE, data: labels }, { ...options, mask: { shape: LABEL_SHAPE, data: binaryMask } }).loss.data[0] as number;
    expectClose(actual, expected);
  });

  it('DiceLoss with a scalar weight and with include_background=False weights', () => {
    const scalar = fromMonai('DiceLoss', { softmax: true, to_onehot_y: true, weight: 2.5 }, { channels: CHANNELS });
    expect(scalar.options.classWeights).toEqual([2.5, 2.5, 2.5]);
    const p = softmax(logits);
    const expected = 2.5 * mean(diceMatrix(p, oneHot, allChannels).flat());
    expectClose(computeLoss(scalar.loss, { shape: SHAPE, data: logits }, { shape: LABEL_SHAPE, data: labels }, scalar.options).loss.data[0] as number, expected);

    const noBackground = fromMonai('DiceLoss', { softmax: true, to_onehot_y: true, include_background: false, weight: [3, 0.5] });
    const weighted = diceMatrix(p, oneHot, [1, 2]).flatMap((row) => [3 * (row[0] as number), 0.5 * (row[1] as number)]);
    expectClose(computeLoss(noBackground.loss, { shape: SHAPE, data: logits }, { shape: LABEL_SHAPE, data: labels }, noBackground.options).loss.data[0] as number, mean(weighted));
  });

  it('one channel: include_background=False and a one-entry weight are ignored, as MONAI does', () => {
    expect(fromMonai('DiceLoss', { sigmoid: true, include_background: false, weight: [4] }, { channels: 1 })).toEqual({
      loss: 'dice',
      options: { activation: 'sigmoid', targetFormat: 'dense', smoothNumerator: 1e-5, smoothDenominator: 1e-5 },
    });
  });
});
