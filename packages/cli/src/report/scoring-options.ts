import type { EmptyPolicy } from '@dicekit/core';

/** How cases are scored: the label space, the classes reported and the metric options of SPEC.md section 6. */
export interface ScoringOptions {
  /** `C`: labels are class indices in `[0, C)`. */
  readonly channels: number;
  /** Class indices to score, strictly ascending (null: all). */
  readonly classes: readonly number[] | null;
  /** Score class 0 too (the CLI's default is false: class 0 is background). */
  readonly includeBackground: boolean;
  /** Score of a class absent from both prediction and ground truth (`'nan'`: left out of means). */
  readonly emptyPolicy: EmptyPolicy;
  /** A ground-truth label whose voxels are left out of every count. */
  readonly ignoreIndex: number | null;
  /** One name per class index, `C` of them. */
  readonly classNames: readonly string[];
}

/** The metric options core's accumulator takes for these scoring options. */
export function accumulatorOptions(scoring: ScoringOptions): {
  targetFormat: 'labels';
  ignoreIndex?: number;
  includeBackground: boolean;
  classes?: readonly number[];
  emptyPolicy: EmptyPolicy;
} {
  return {
    targetFormat: 'labels',
    ...(scoring.ignoreIndex === null ? {} : { ignoreIndex: scoring.ignoreIndex }),
    includeBackground: scoring.includeBackground,
    ...(scoring.classes === null ? {} : { classes: scoring.classes }),
    emptyPolicy: scoring.emptyPolicy,
  };
}

/** The class indices reported: `classes` (or all), without 0 unless `includeBackground` (SPEC.md section 5). */
export function selectedClasses(scoring: Pick<ScoringOptions, 'channels' | 'classes' | 'includeBackground'>): number[] {
  const all = scoring.classes ?? Array.from({ length: scoring.channels }, (_, channel) => channel);
  return all.filter((channel) => scoring.includeBackground || channel !== 0);
}
