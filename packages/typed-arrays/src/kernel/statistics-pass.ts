import { createStatistics, type PairStatistics, type StatisticsKind } from '@dicekit/core';
import { accumulateRow } from './accumulate-row.js';
import { activateBlock } from './activate-block.js';
import { BlockScratch } from './block-scratch.js';
import { compoundBlock, type CompoundSettings } from './compound-block.js';
import type { KernelData } from './kernel-data.js';
import { loadBlock } from './load-block.js';

/** What the fused statistics pass returns. */
export interface StatisticsPassResult {
  /** Per `(n, c)` for all `C` channels, float64 sums (SPEC.md section 3). */
  readonly statistics: PairStatistics;
  /** `[Σ ω ℓ, Σ ω]` of the compound term, or null for the plain losses. */
  readonly compoundSums: Float64Array | null;
}

/**
 * The single fused pass over the data: loads each block, checks it (SPEC.md section 7), applies the
 * activation, and accumulates the statistics of every `(n, c)` and the compound term's sums.
 */
export function statisticsPass(
  data: KernelData,
  kind: StatisticsKind,
  compound: CompoundSettings | null,
  scratch: BlockScratch = new BlockScratch(data.geometry.channels),
): StatisticsPassResult {
  const { batch, channels, voxels } = data.geometry;
  const statistics = createStatistics(batch, channels, kind);
  const compoundSums = compound === null ? null : new Float64Array(2);
  const row = new Float64Array(4);
  const size = scratch.size;
  const weight = data.weighted ? scratch.weight : null;
  for (let sample = 0; sample < batch; sample++) {
    for (let start = 0; start < voxels; start += size) {
      const count = Math.min(size, voxels - start);
      if (!loadBlock(data, scratch, sample, start, count, true)) data.raiseDataError();
      const probability = activateBlock(data.activation, scratch, count, compound !== null);
      for (let channel = 0; channel < channels; channel++) {
        accumulateRow(probability, scratch.target, weight, channel * size, count, kind.squared, kind.absoluteDifference, row);
        const pair = sample * channels + channel;
        statistics.intersection[pair] = (statistics.intersection[pair] as number) + (row[0] as number);
        statistics.prediction[pair] = (statistics.prediction[pair] as number) + (row[1] as number);
        statistics.target[pair] = (statistics.target[pair] as number) + (row[2] as number);
        if (statistics.absoluteDifference !== null) {
          statistics.absoluteDifference[pair] = (statistics.absoluteDifference[pair] as number) + (row[3] as number);
        }
      }
      if (compound !== null && compoundSums !== null) compoundBlock(compound, scratch, count, data.weighted, compoundSums, false);
    }
  }
  return { statistics, compoundSums };
}
