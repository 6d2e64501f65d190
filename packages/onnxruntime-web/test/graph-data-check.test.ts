import { DiceKitError, prepareLoss, validateData, type LossName, type LossOptions, type TensorLike } from '@dicekit/core';
import * as ort from 'onnxruntime-web';
import { afterAll, describe, expect, it, vi } from 'vitest';
import * as hostChecks from '../src/runtime/fast-data-check.js';
import { runLoss } from '../src/runtime/run-loss.js';
import { SessionCache } from '../src/runtime/session-cache.js';
import { randomStream } from './support/random.js';

ort.env.wasm.numThreads = 1;

// Counts the host reads, to show the graph's scalars decide (no host read on valid data).
vi.mock('../src/runtime/fast-data-check.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/runtime/fast-data-check.js')>();
  return { ...original, checkDataFast: vi.fn(original.checkDataFast) };
});

/** Core's verdict on the data: null, or `code: message`. */
function coreVerdict(loss: LossName, options: LossOptions, input: TensorLike, target: TensorLike): string | null {
  const prepared = prepareLoss(loss, input, target, options, { checkData: false });
  try {
    validateData(prepared.options, prepared.geometry, input, target, prepared.mask);
    return null;
  } catch (error) {
    return `${(error as DiceKitError).code}: ${(error as Error).message}`;
  }
}

describe('data checks fused into the statistics graph raise exactly what core raises', () => {
  const cache = new SessionCache(ort);
  afterAll(() => cache.dispose());
  const random = randomStream(11);
  const faults = [Number.NaN, Infinity, -Infinity, -0.25, 1.5, 0, 1, 0.5, -0, 3.4e38];
  // [4, 5]: 20 voxels, trailing ReduceSum plan with min/max checks; [8, 16]: 128 voxels, the pooled
  // plan with the CPU-tuned checks (logit sums, labels by count).
  it.each([[[4, 5]], [[8, 16]]])('on 240 random problems with one injected value (input, dense target, label map, mask; activations, compound losses), spatial %j', async (spatial) => {
    for (let trial = 0; trial < 240; trial++) {
      const voxels = spatial[0]! * spatial[1]!;
      const shape = [2, 3, ...spatial];
      const size = 6 * voxels;
      const labelShape = [2, ...spatial];
      const activation = (['none', 'sigmoid', 'softmax'] as const)[trial % 3] as 'none' | 'sigmoid' | 'softmax';
      const loss: LossName = activation !== 'none' && random() < 0.3 ? 'diceCE' : 'dice';
      const input = Float32Array.from({ length: size }, () => (activation === 'none' ? random() : random() * 8 - 4));
      const dense = Float32Array.from({ length: size }, () => (random() < 0.5 ? 1 : 0));
      const labels = Int32Array.from({ length: 2 * voxels }, () => Math.floor(random() * 3));
      const mask = Float32Array.from({ length: 2 * voxels }, () => random() * 2);
      const where = Math.floor(random() * 5);
      const fault = faults[Math.floor(random() * faults.length)] as number;
      let options: LossOptions = { activation };
      const labelMode = where === 2 || (where === 3 && random() < 0.5) || activation === 'softmax';
      if (where === 0) input[Math.floor(random() * size)] = fault;
      if (where === 1 && !labelMode) dense[Math.floor(random() * size)] = fault;
      if (where === 2) labels[Math.floor(random() * 2 * voxels)] = [-1, 3, 255, 2, -100][Math.floor(random() * 5)] as number;
      if (labelMode) options = { ...options, targetFormat: 'labels', ...(random() < 0.5 ? { ignoreIndex: random() < 0.5 ? 255 : -100 } : {}) };
      if (where === 3) mask[Math.floor(random() * 2 * voxels)] = fault;
      const withMask = where === 3 || random() < 0.2;
      const target: TensorLike = labelMode ? { shape: labelShape, data: labels } : { shape, data: dense };
      const expected = coreVerdict(loss, withMask ? { ...options, mask: { shape: labelShape, data: mask } } : options, { shape, data: input }, target);
      const tensors = {
        input: new ort.Tensor('float32', input, shape),
        target: labelMode ? new ort.Tensor('int32', labels, labelShape) : new ort.Tensor('float32', dense, shape),
        mask: withMask ? new ort.Tensor('float32', mask, labelShape) : null,
      };
      const hostReads = vi.mocked(hostChecks.checkDataFast).mock.calls.length;
      let actual: string | null = null;
      try {
        const result = await runLoss(cache, loss, options, tensors, { gradient: false, checkData: true, dataChecks: 'graph' });
        expect(Number.isFinite(result.loss.data[0]), `trial ${trial}: finite loss`).toBe(true);
      } catch (error) {
        if (!(error instanceof DiceKitError)) throw error;
        actual = `${error.code}: ${error.message}`;
      }
      const readByHost = vi.mocked(hostChecks.checkDataFast).mock.calls.length > hostReads;
      // Invalid data always reach core's check; valid data never do, unless a huge finite value
      // (3.4e38) overflowed a float32 sum, a false alarm the host read settles.
      if (expected !== null) expect(readByHost, `trial ${trial}: host read on invalid data`).toBe(true);
      else if (fault !== 3.4e38) expect(readByHost, `trial ${trial}: no host read on valid data`).toBe(false);
      expect(actual, `trial ${trial} (${loss}, ${JSON.stringify(options)}, fault ${fault} at ${where})`).toBe(expected);
    }
  }, 60_000);
});
