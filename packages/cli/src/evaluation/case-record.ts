/**
 * The statistics of one scored case: what reports are built from and what statistics files keep.
 * `intersection`, `prediction`, `target` are the per-class counts `I_c, P_c, T_c` for all `C` classes.
 */
export interface CaseRecord {
  readonly id: string;
  /** The prediction file, relative to the prediction folder ('/'-separated). */
  readonly predictionPath: string;
  /** The ground-truth file, relative to the ground-truth folder. */
  readonly groundTruthPath: string;
  readonly shape: readonly number[];
  /** Millilitres per voxel (from the ground truth's NIfTI header), null when unknown. */
  readonly voxelVolumeMl: number | null;
  /** Voxels whose true label is `ignoreIndex`. */
  readonly ignored: number;
  readonly intersection: readonly number[];
  readonly prediction: readonly number[];
  readonly target: readonly number[];
  readonly warnings: readonly string[];
}
