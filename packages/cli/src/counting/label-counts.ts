/**
 * Exact per-class counts of one case (or one slab of it) for hard label maps: the statistics of
 * SPEC.md section 3 with one-hot `p` and `t`, i.e. `I_c = #{p = c and t = c}`, `P_c = #{p = c}`,
 * `T_c = #{t = c}` over voxels whose true label is not `ignoreIndex`. Integer-valued, so sums over
 * slabs, workers or machines are exact.
 */
export interface LabelCounts {
  readonly channels: number;
  readonly intersection: Float64Array;
  readonly prediction: Float64Array;
  readonly target: Float64Array;
  /** Voxels whose true label is `ignoreIndex` (weight 0). */
  ignored: number;
  /** Voxels visited. */
  voxels: number;
  /** Predicted labels outside `[0, C)`: value -> voxel count. */
  readonly outsidePrediction: Map<number, number>;
  /** True labels outside `[0, C)` that are not `ignoreIndex`: value -> voxel count. */
  readonly outsideTarget: Map<number, number>;
}

/** Zeroed counts for `channels` classes. */
export function createLabelCounts(channels: number): LabelCounts {
  return {
    channels,
    intersection: new Float64Array(channels),
    prediction: new Float64Array(channels),
    target: new Float64Array(channels),
    ignored: 0,
    voxels: 0,
    outsidePrediction: new Map(),
    outsideTarget: new Map(),
  };
}

function addOutside(into: Map<number, number>, from: ReadonlyMap<number, number>): void {
  for (const [value, count] of from) into.set(value, (into.get(value) ?? 0) + count);
}

/** Adds `from` into `into` (same `channels`): slabs of one case, summed in slab order. */
export function addLabelCounts(into: LabelCounts, from: LabelCounts): void {
  for (let channel = 0; channel < into.channels; channel++) {
    into.intersection[channel] = (into.intersection[channel] as number) + (from.intersection[channel] as number);
    into.prediction[channel] = (into.prediction[channel] as number) + (from.prediction[channel] as number);
    into.target[channel] = (into.target[channel] as number) + (from.target[channel] as number);
  }
  into.ignored += from.ignored;
  into.voxels += from.voxels;
  addOutside(into.outsidePrediction, from.outsidePrediction);
  addOutside(into.outsideTarget, from.outsideTarget);
}
