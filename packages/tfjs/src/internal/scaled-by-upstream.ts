import type { DiceTermResult, PreparedLoss } from '@dicekit/core';

/**
 * Index of the entry of the `'none'` matrix that pair `(n, c)` feeds: its row and column
 * (`[N, C']`), its column (`[C']`, batchDice), its sample (`[N]`, generalizedDice) or 0; -1 for a
 * channel outside the selected classes.
 */
function entryIndex(prepared: PreparedLoss, sample: number, channel: number): number {
  const { options, classes } = prepared;
  const column = classes.indexOf(channel);
  if (options.loss === 'generalizedDice') return options.batchDice ? 0 : sample;
  if (column < 0) return -1;
  return options.batchDice ? column : sample * classes.length + column;
}

/**
 * The derivatives of `Σ dy · entries` for `reduction: 'none'`: core's per-pair derivatives
 * (`[N·C]`) each scaled by the upstream entry `dy` (the `'none'` matrix's shape) its pair feeds.
 * Pairs of unselected channels get 0.
 */
export function scaledByUpstream(prepared: PreparedLoss, term: DiceTermResult, upstream: ArrayLike<number>): DiceTermResult {
  const { batch, channels } = prepared.geometry;
  const dIntersection = new Float64Array(term.dIntersection.length);
  const dPrediction = new Float64Array(term.dPrediction.length);
  const dTarget = new Float64Array(term.dTarget.length);
  for (let sample = 0; sample < batch; sample++) {
    for (let channel = 0; channel < channels; channel++) {
      const entry = entryIndex(prepared, sample, channel);
      if (entry < 0) continue;
      const pair = sample * channels + channel;
      const factor = upstream[entry] as number;
      dIntersection[pair] = factor * (term.dIntersection[pair] as number);
      dPrediction[pair] = factor * (term.dPrediction[pair] as number);
      dTarget[pair] = factor * (term.dTarget[pair] as number);
    }
  }
  return { ...term, dIntersection, dPrediction, dTarget };
}
