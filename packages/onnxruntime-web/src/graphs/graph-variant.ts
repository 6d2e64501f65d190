import type { Activation, Layout, TargetFormat } from '@dicekit/core';

/** Element types a prediction tensor may have. */
export type PredictionType = 'float32' | 'float16';
/** Element types a target tensor may have (integers only for label maps). */
export type TargetType = 'float32' | 'float16' | 'uint8' | 'int32' | 'int64';

/**
 * How the graph sums over voxels accurately. The first level sums at most a few thousand float32
 * values (a trailing group of spatial axes, or fixed-size chunks of the flattened, zero-padded
 * voxel axis); the second level casts those partial sums to float64 and sums them there. Float32
 * ReduceSum over millions of values is the naive running sum (it stops counting at 2^24), so a
 * single-level float32 reduction would be wrong on full-size volumes.
 */
export type ReductionPlan =
  | { readonly kind: 'trailing'; readonly axes: number }
  | { readonly kind: 'chunked'; readonly chunk: number };

/** Everything that decides the structure of an input-side graph; equal variants share a session. */
export interface InputVariant {
  readonly activation: Activation;
  readonly layout: Layout;
  readonly targetFormat: TargetFormat;
  readonly predictionType: PredictionType;
  readonly targetType: TargetType;
  /** Number of spatial axes (the rank of the input minus 2). */
  readonly spatialRank: number;
  /** With a label map and C == 1 the label itself is the target (a binary mask). */
  readonly singleChannelLabels: boolean;
  readonly hasMask: boolean;
  readonly ignoreIndex: number | null;
}

/** Largest first-level float32 partial sum: keeps the relative error of each partial sum near 1e-6. */
export const FIRST_LEVEL_LIMIT = 4096;
/** Below this first-level size a trailing group is too small to be worth it; chunks are used. */
const FIRST_LEVEL_MINIMUM = 32;

/** Picks the reduction plan for a spatial shape: the largest trailing group of at most 4096 voxels, else chunks. */
export function reductionPlanFor(spatialShape: readonly number[]): ReductionPlan {
  let product = 1;
  let axes = 0;
  for (let axis = spatialShape.length - 1; axis >= 0; axis--) {
    const next = product * (spatialShape[axis] as number);
    if (next > FIRST_LEVEL_LIMIT) break;
    product = next;
    axes += 1;
  }
  const voxels = spatialShape.reduce((total, extent) => total * extent, 1);
  if (axes === spatialShape.length || (axes > 0 && (product >= FIRST_LEVEL_MINIMUM || voxels <= FIRST_LEVEL_LIMIT))) {
    return { kind: 'trailing', axes };
  }
  return { kind: 'chunked', chunk: FIRST_LEVEL_LIMIT };
}

/** A stable text key of a variant (session caches). */
export function variantKey(variant: object): string {
  return JSON.stringify(variant);
}
