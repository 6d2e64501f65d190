import { createStatistics, type PairStatistics, type PreparedMetric, type TensorLike } from '@dicekit/core';
import { accumulateRow } from '../kernel/accumulate-row.js';
import { BlockScratch } from '../kernel/block-scratch.js';
import { kernelDataOf } from '../kernel/kernel-data.js';
import { loadBlock } from '../kernel/load-block.js';
import { binarizeBlock, sigmoidThresholdBand } from './binarize-block.js';

/**
 * The binarised statistics `[N, C]` of SPEC.md section 6 in one fused pass: load and check each block,
 * binarise it (argmax or threshold), accumulate `I = Σ m h t`, `P = Σ m h`, `T = Σ m t` in float64.
 * `prepared` comes from core's `prepareMetric(..., { checkData: false })`: the data checks run here.
 */
export function hardStatistics(prepared: PreparedMetric, input: TensorLike, target: TensorLike): PairStatistics {
  const { options, geometry, mask } = prepared;
  const data = kernelDataOf(options, geometry, input, target, mask);
  const { batch, channels, voxels } = geometry;
  const statistics = createStatistics(batch, channels, { squared: false, absoluteDifference: false });
  const scratch = new BlockScratch(channels);
  const size = scratch.size;
  const weight = data.weighted ? scratch.weight : null;
  const band = sigmoidThresholdBand(options.threshold);
  const row = new Float64Array(4);
  for (let sample = 0; sample < batch; sample++) {
    for (let start = 0; start < voxels; start += size) {
      const count = Math.min(size, voxels - start);
      if (!loadBlock(data, scratch, sample, start, count, true)) data.raiseDataError();
      binarizeBlock(options, scratch, count, band);
      for (let channel = 0; channel < channels; channel++) {
        accumulateRow(scratch.probability, scratch.target, weight, channel * size, count, false, false, row);
        const pair = sample * channels + channel;
        statistics.intersection[pair] = (statistics.intersection[pair] as number) + (row[0] as number);
        statistics.prediction[pair] = (statistics.prediction[pair] as number) + (row[1] as number);
        statistics.target[pair] = (statistics.target[pair] as number) + (row[2] as number);
      }
    }
  }
  return statistics;
}
