import { describe, expect, it } from 'vitest';
import { computeLoss } from '../losses/compute-loss.js';
import { computeMetric } from '../metrics/compute-metric.js';
import type { LossName, LossOptions } from '../options/option-types.js';
import type { TensorLike } from '../tensor/tensor.js';
import { DiceKitError, isDiceKitError, type DiceKitErrorCode } from './dicekit-error.js';

const probabilities: TensorLike = { shape: [1, 2, 2, 2], data: [0.1, 0.9, 0.4, 0.6, 0.9, 0.1, 0.6, 0.4] };
const dense: TensorLike = { shape: [1, 2, 2, 2], data: [0, 1, 0, 1, 1, 0, 1, 0] };
const labels: TensorLike = { shape: [1, 2, 2], data: Int32Array.of(1, 0, 1, 0) };

function thrown(action: () => unknown): DiceKitError {
  try {
    action();
  } catch (error) {
    if (isDiceKitError(error)) return error;
    throw error;
  }
  throw new Error('expected a DiceKitError, nothing was thrown');
}

function expectError(code: DiceKitErrorCode, message: RegExp, action: () => unknown): void {
  const error = thrown(action);
  expect(error).toBeInstanceOf(DiceKitError);
  expect(error).toBeInstanceOf(Error);
  expect(error.code).toBe(code);
  expect(error.message).toMatch(message);
}

const loss = (name: LossName, input: TensorLike, target: TensorLike, options?: LossOptions) => computeLoss(name, input, target, options);

describe('E_SHAPE: the message names both shapes', () => {
  it('dense target of another shape', () => {
    expectError('E_SHAPE', /\[1, 2, 2\].*\[1, 2, 2, 2\]/, () => loss('dice', probabilities, { shape: [1, 2, 2], data: [0, 1, 0, 1] }));
  });
  it('label map with the wrong spatial extent', () => {
    expectError('E_SHAPE', /\[1, 3, 2\].*\[1, 2, 2, 2\]/, () =>
      loss('dice', probabilities, { shape: [1, 3, 2], data: Int32Array.of(0, 1, 0, 1, 0, 1) }, { targetFormat: 'labels' }),
    );
  });
  it('a size-1 channel axis in the wrong place for channels-last', () => {
    const input = { shape: [1, 2, 2, 2], data: probabilities.data };
    expectError('E_SHAPE', /\[1, 1, 2, 2\]/, () =>
      loss('dice', input, { shape: [1, 1, 2, 2], data: Int32Array.of(0, 1, 0, 1) }, { targetFormat: 'labels', layout: 'channels-last' }),
    );
  });
  it('mask with C channels', () => {
    expectError('E_SHAPE', /mask shape \[1, 2, 2, 2\]/, () => loss('dice', probabilities, dense, { mask: { shape: [1, 2, 2, 2], data: new Float64Array(8) } }));
  });
  it('input without a spatial axis, data length not matching the shape, zero-size axis', () => {
    expectError('E_SHAPE', /rank 2/, () => loss('dice', { shape: [2, 2], data: [0, 1, 0, 1] }, { shape: [2, 2], data: [0, 1, 0, 1] }));
    expectError('E_SHAPE', /7 elements.*\[1, 2, 2, 2\] holds 8/, () => loss('dice', { shape: [1, 2, 2, 2], data: new Float64Array(7) }, dense));
    expectError('E_SHAPE', /size 0/, () => loss('dice', { shape: [1, 2, 0], data: [] }, { shape: [1, 2, 0], data: [] }));
  });
});

describe('E_OPTION: the message names the option and its value', () => {
  const cases: Array<[string, LossName, LossOptions | Record<string, unknown>, RegExp]> = [
    ['an unknown option', 'dice', { smooth: 1 }, /unknown option 'smooth'/],
    ['an option of another loss', 'dice', { alpha: 0.3 }, /'alpha' belongs to tversky/],
    ['null', 'dice', { reduction: null }, /'reduction' is null/],
    ['a mistyped value', 'dice', { batchDice: 'yes' }, /'batchDice' is "yes"; expected true or false/],
    ['a value out of range', 'tversky', { gamma: 0 }, /'gamma' is 0; expected a finite number > 0/],
    ['a negative class weight', 'dice', { classWeights: [1, -1] }, /'classWeights\[1\]' is -1/],
    ['classWeights of the wrong length', 'dice', { classWeights: [1] }, /'classWeights' has 1 entries.*C = 2/],
    ['classes not ascending', 'dice', { classes: [1, 0] }, /'classes' is \[1, 0\]; expected strictly ascending/],
    ['classes out of range', 'dice', { classes: [0, 2] }, /entry 2, outside \[0, 2\)/],
    ['no class left', 'dice', { classes: [0], includeBackground: false }, /leave no class/],
    ['ignoreIndex with a dense target', 'dice', { ignoreIndex: 255 }, /'ignoreIndex' \(255\) needs targetFormat 'labels'/],
    ['a non-integer ignoreIndex', 'dice', { targetFormat: 'labels', ignoreIndex: 2.5 }, /'ignoreIndex' is 2.5; expected an integer/],
    ['reduction none on a compound loss', 'diceCE', { activation: 'softmax', reduction: 'none' }, /compound loss 'diceCE'/],
    ['a compound loss without activation', 'diceFocal', {}, /needs logits/],
    ['logLoss with gamma != 1', 'tversky', { logLoss: true, gamma: 0.75 }, /needs gamma 1/],
    ['alpha + beta = 0', 'tversky', { alpha: 0, beta: 0 }, /positive sum/],
    ['generalizedDice with softLabel', 'generalizedDice', { softLabel: true }, /'softLabel' belongs to/],
    ['focalAlpha array with sigmoid', 'diceFocal', { activation: 'sigmoid', focalAlpha: [0.25, 0.75] }, /'focalAlpha'.*with activation 'sigmoid'/],
    ['focalAlpha of the wrong length', 'diceFocal', { activation: 'softmax', focalAlpha: [0.5] }, /'focalAlpha' has 1 entries/],
    ['a metric option on a loss', 'dice', { threshold: 0.5 }, /metric option/],
  ];
  for (const [what, name, options, message] of cases) {
    it(what, () => {
      const target = (options as LossOptions).targetFormat === 'labels' ? labels : dense;
      expectError('E_OPTION', message, () => loss(name, probabilities, target, options as LossOptions));
    });
  }
  it('softmax with C = 1 and includeBackground false with C = 1', () => {
    const single = { shape: [1, 1, 2], data: [0.2, 0.8] };
    expectError('E_OPTION', /softmax.*C = 1/, () => loss('dice', single, single, { activation: 'softmax' }));
    expectError('E_OPTION', /includeBackground.*C = 1/, () => loss('dice', single, single, { includeBackground: false }));
  });
  it('integer options accept integer-valued numbers', () => {
    expect(() => loss('dice', probabilities, labels, { targetFormat: 'labels', ignoreIndex: 255.0, classes: [1.0] })).not.toThrow();
  });
  it('metrics refuse loss options and argmax with C = 1', () => {
    expectError('E_OPTION', /'reduction' is a loss option/, () => computeMetric('dice', probabilities, dense, { reduction: 'mean' } as never));
    const single = { shape: [1, 1, 2], data: [0.2, 0.8] };
    expectError('E_OPTION', /argmax.*C = 1/, () => computeMetric('dice', single, single, { argmax: true }));
    expectError('E_OPTION', /'emptyPolicy' is "skip"/, () => computeMetric('iou', probabilities, dense, { emptyPolicy: 'skip' } as never));
  });
});

describe('E_DTYPE', () => {
  it('float labels', () => {
    expectError('E_DTYPE', /Float32Array.*needs integers/, () =>
      loss('dice', probabilities, { shape: [1, 2, 2], data: Float32Array.of(1, 0, 1, 0) }, { targetFormat: 'labels' }),
    );
  });
  it('non-integer values in a plain label array, BigInt input', () => {
    expectError('E_DTYPE', /non-integer 0.5/, () => loss('dice', probabilities, { shape: [1, 2, 2], data: [1, 0.5, 1, 0] }, { targetFormat: 'labels' }));
    expectError('E_DTYPE', /BigInt64Array/, () => loss('dice', { shape: [1, 2, 2, 2], data: new BigInt64Array(8) }, dense));
  });
  it('BigInt64Array labels are accepted', () => {
    const result = loss('dice', probabilities, { shape: [1, 2, 2], data: BigInt64Array.of(1n, 0n, 1n, 0n) }, { targetFormat: 'labels' });
    const reference = loss('dice', probabilities, labels, { targetFormat: 'labels' });
    expect(result.loss.data[0]).toBe(reference.loss.data[0]);
  });
});

describe('E_LABEL: the message gives the value and where', () => {
  it('a label equal to C', () => {
    expectError('E_LABEL', /label 2 at index 3 \(coordinates \[0, 1, 1\]\) is outside \[0, 2\)/, () =>
      loss('dice', probabilities, { shape: [1, 2, 2], data: Int32Array.of(1, 0, 1, 2) }, { targetFormat: 'labels' }),
    );
  });
  it('a negative label without ignoreIndex, and a 2 in a C = 1 binary mask', () => {
    expectError('E_LABEL', /label -1 at index 0/, () =>
      loss('dice', probabilities, { shape: [1, 2, 2], data: Int32Array.of(-1, 0, 1, 0) }, { targetFormat: 'labels' }),
    );
    expectError('E_LABEL', /label 2 .*binary mask/, () =>
      loss('dice', { shape: [1, 1, 2], data: [0.2, 0.8] }, { shape: [1, 2], data: Int32Array.of(2, 0) }, { targetFormat: 'labels' }),
    );
  });
  it('ignoreIndex labels are not errors', () => {
    expect(() => loss('dice', probabilities, { shape: [1, 2, 2], data: Int32Array.of(-1, 0, 1, 0) }, { targetFormat: 'labels', ignoreIndex: -1 })).not.toThrow();
  });
});

describe('E_VALUE', () => {
  it('probabilities outside [0, 1] without activation (logits passed as probabilities)', () => {
    expectError('E_VALUE', /input holds 1.5 at index 1.*activation 'sigmoid' or 'softmax'/, () =>
      loss('dice', { shape: [1, 2, 2, 2], data: [0.1, 1.5, 0.4, 0.6, 0.9, 0.1, 0.6, 0.4] }, dense),
    );
  });
  it('a dense target outside [0, 1] and a negative mask', () => {
    expectError('E_VALUE', /dense target holds 2/, () => loss('dice', probabilities, { shape: [1, 2, 2, 2], data: [0, 2, 0, 1, 1, 0, 1, 0] }));
    expectError('E_VALUE', /mask holds -1/, () => loss('dice', probabilities, dense, { mask: { shape: [1, 2, 2], data: [1, -1, 1, 1] } }));
  });
});

describe('E_NONFINITE', () => {
  it('NaN or Infinity in input, target or mask', () => {
    expectError('E_NONFINITE', /input holds NaN/, () => loss('dice', { shape: [1, 2, 2, 2], data: [0.1, NaN, 0.4, 0.6, 0.9, 0.1, 0.6, 0.4] }, dense));
    expectError('E_NONFINITE', /input holds Infinity/, () =>
      loss('dice', { shape: [1, 2, 2, 2], data: [0.1, Infinity, 0.4, 0.6, 0.9, 0.1, 0.6, 0.4] }, dense, { activation: 'sigmoid' }),
    );
    expectError('E_NONFINITE', /target holds -Infinity/, () => loss('dice', probabilities, { shape: [1, 2, 2, 2], data: [0, -Infinity, 0, 1, 1, 0, 1, 0] }));
    expectError('E_NONFINITE', /mask holds NaN/, () => loss('dice', probabilities, dense, { mask: { shape: [1, 2, 2], data: [1, NaN, 1, 1] } }));
  });
});

describe('stability and no silent NaN', () => {
  it('logits of ±1e3 give finite losses and gradients for every loss', () => {
    const input = { shape: [1, 3, 2], data: [1000, -1000, -1000, 1000, 0, -999] };
    const target = { shape: [1, 2], data: Int32Array.of(0, 2) };
    for (const name of ['dice', 'jaccard', 'tversky', 'generalizedDice', 'logCoshDice', 'diceCE', 'diceFocal'] as const) {
      for (const activation of ['sigmoid', 'softmax'] as const) {
        const options: LossOptions = { activation, targetFormat: 'labels', ...(name === 'diceFocal' ? { focalGamma: 0.5 } : {}) };
        const result = computeLoss(name, input, target, options, { gradient: true });
        expect(Number.isFinite(result.loss.data[0]), `${name} ${activation}`).toBe(true);
        expect(Array.from(result.gradient!.data).every(Number.isFinite), `${name} ${activation} gradient`).toBe(true);
      }
    }
  });
  it('an empty pair without smoothing counts as perfect: loss 0, zero gradient', () => {
    const result = computeLoss('dice', { shape: [1, 1, 2], data: [0, 0] }, { shape: [1, 1, 2], data: [0, 0] }, { smoothNumerator: 0, smoothDenominator: 0 }, { gradient: true });
    expect(result.loss.data[0]).toBe(0);
    expect(Array.from(result.gradient!.data)).toEqual([0, 0]);
  });
  it('inputs are never modified', () => {
    const input = { shape: [1, 2, 2, 2], data: Float64Array.of(-1, 2, 0.5, 3, -2, 1, 0, 4) };
    const copy = Float64Array.from(input.data);
    const target = { shape: [1, 2, 2], data: Int32Array.of(1, 0, 1, 0) };
    computeLoss('diceFocal', input, target, { activation: 'softmax', targetFormat: 'labels' }, { gradient: true });
    expect(input.data).toEqual(copy);
    expect(Array.from(target.data)).toEqual([1, 0, 1, 0]);
  });
});
