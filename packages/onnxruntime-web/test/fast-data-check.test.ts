import { DiceKitError, prepareLoss, validateData, type LossOptions, type TensorLike } from '@dicekit/core';
import { describe, expect, it } from 'vitest';
import { checkDataFast } from '../src/runtime/fast-data-check.js';
import { randomStream } from './support/random.js';

/** The code core's own validateData raises, or null. */
function coreCode(options: LossOptions, input: TensorLike, target: TensorLike): string | null {
  const prepared = prepareLoss('dice', input, target, options, { checkData: false });
  try {
    validateData(prepared.options, prepared.geometry, input, target, prepared.mask);
    return null;
  } catch (error) {
    return (error as DiceKitError).code;
  }
}

function fastCode(options: LossOptions, input: TensorLike, target: TensorLike): string | null {
  const prepared = prepareLoss('dice', input, target, options, { checkData: false });
  try {
    checkDataFast(prepared.options, prepared.geometry, input, target, prepared.mask);
    return null;
  } catch (error) {
    return (error as DiceKitError).code;
  }
}

describe('the fast host data check accepts and refuses exactly what core does', () => {
  const random = randomStream(3);
  const faults = [Number.NaN, Infinity, -Infinity, -0.25, 1.5, 0, 1, 0.5];
  it('on 300 random problems with one injected value (input, dense target, label map, mask)', () => {
    for (let trial = 0; trial < 300; trial++) {
      const shape = [2, 3, 4];
      const input = Float32Array.from({ length: 24 }, () => random());
      const dense = Float64Array.from({ length: 24 }, () => (random() < 0.5 ? 1 : 0));
      const labels = Int32Array.from({ length: 8 }, () => Math.floor(random() * 3));
      const mask = Float32Array.from({ length: 8 }, () => random());
      const where = Math.floor(random() * 4);
      const fault = faults[Math.floor(random() * faults.length)] as number;
      const activation = random() < 0.5 ? 'none' : 'sigmoid';
      let options: LossOptions = { activation };
      let target: TensorLike = { shape, data: dense };
      if (where === 0) input[Math.floor(random() * 24)] = fault;
      if (where === 1) dense[Math.floor(random() * 24)] = fault;
      if (where === 2) {
        labels[Math.floor(random() * 8)] = [-1, 3, 255, 2][Math.floor(random() * 4)] as number;
        target = { shape: [2, 4], data: labels };
        options = { ...options, targetFormat: 'labels', ...(random() < 0.5 ? { ignoreIndex: 255 } : {}) };
      }
      if (where === 3) {
        mask[Math.floor(random() * 8)] = fault;
        options = { ...options, mask: { shape: [2, 4], data: mask } };
      }
      const inputTensor = { shape, data: input };
      expect(fastCode(options, inputTensor, target), `trial ${trial}`).toBe(coreCode(options, inputTensor, target));
    }
  });
});
