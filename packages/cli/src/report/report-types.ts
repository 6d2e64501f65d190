/** Scores of one class in one case. Volumes count voxels not ignored; mL need a NIfTI spacing. */
export interface ClassScores {
  readonly classIndex: number;
  readonly name: string;
  /** `2I / (P + T)`; NaN (null in JSON) for an empty pair under `--empty nan`. */
  readonly dice: number;
  /** `I / (P + T - I)`. */
  readonly iou: number;
  /** `I / P` (0 when only P is 0; the empty policy when P + T = 0). */
  readonly precision: number;
  /** `I / T`. */
  readonly recall: number;
  readonly predictedVoxels: number;
  readonly trueVoxels: number;
  readonly predictedMl: number | null;
  readonly trueMl: number | null;
}

/** One scored case. */
export interface CaseReport {
  readonly id: string;
  readonly prediction: string;
  readonly groundTruth: string;
  readonly shape: readonly number[];
  readonly voxelVolumeMl: number | null;
  readonly ignoredVoxels: number;
  readonly classes: readonly ClassScores[];
  readonly warnings: readonly string[];
}

/** Mean, population standard deviation and count of the non-NaN per-case values. */
export interface Summary {
  readonly mean: number;
  readonly std: number;
  readonly count: number;
}

/** Per-class dataset results. */
export interface ClassSummary {
  readonly classIndex: number;
  readonly name: string;
  readonly dice: Summary;
  readonly iou: Summary;
  readonly precision: Summary;
  readonly recall: Summary;
  /** From the counts summed over all cases (pooled). */
  readonly microDice: number;
  readonly microIou: number;
  /** Mean over cases of the non-NaN scores (core's accumulator `macro`). */
  readonly macroDice: number;
  readonly macroIou: number;
}

/** Everything `dicekit eval` and `dicekit merge` report. */
export interface EvaluationReport {
  readonly format: 'dicekit-eval-report/1';
  readonly scoring: {
    readonly numClasses: number;
    readonly classes: readonly number[];
    readonly includeBackground: boolean;
    readonly emptyPolicy: string;
    readonly ignoreIndex: number | null;
  };
  readonly cases: readonly CaseReport[];
  readonly perClass: readonly ClassSummary[];
  /** Dataset level: means over the reported classes of the per-class micro and macro scores (NaN classes skipped). */
  readonly dataset: {
    readonly microDice: number;
    readonly microIou: number;
    readonly macroDice: number;
    readonly macroIou: number;
  };
  readonly failures: ReadonlyArray<{ readonly id: string; readonly reason: string }>;
  readonly counts: { readonly scored: number; readonly failed: number };
}
