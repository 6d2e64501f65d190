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
  | { readonly kind: 'chunked'; readonly chunk: number }
  /**
   * Contiguous power-of-two chunks of the voxel axis (the chunk divides the voxel count, so no
   * padding copy) summed by GlobalAveragePool over a `[1, rows, chunk]` view, then multiplied back by
   * the chunk (exact: a power of two). onnxruntime's CPU pooling kernel (MLAS, wasm SIMD) reads a
   * tensor about twice as fast as its ReduceSum; the WebGPU EP does not get this plan.
   */
  | { readonly kind: 'pooled'; readonly chunk: number };

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
  /**
   * Graphs tuned for onnxruntime's CPU kernels (wasm EP): the softmax written out (onnxruntime's
   * Softmax over a non-last axis transposes the tensor twice, about 4x slower on `[2,4,96,96,96]`)
   * and the cheaper fused data checks of the statistics graph. Absent or false: the portable graphs
   * (Softmax op), which the WebGPU EP runs.
   */
  readonly cpuKernels?: boolean;
}

/**
 * Largest first-level float32 partial sum of the ReduceSum plans: about 1e-7 relative error per partial
 * sum on random data, but up to 4.2e-5 on a chunk of equal values (see POOLED_MAXIMUM).
 */
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

/** Smallest chunk of the pooled plan: below it the per-row overhead of the pooling kernel dominates. */
const POOLED_MINIMUM = 64;
/**
 * Largest chunk of the pooled plan. The float32 pooled sum of n equal values (the worst case: errors
 * of the same sign at every step) was measured 1.0e-5 relative off at n = 4096, 6.0e-7 at 256 and
 * 3.0e-7 at 128 (onnxruntime's ReduceSum: 4.2e-5, 3.7e-6, 1.3e-6); the read speed is the same from
 * 128 to 4096, so 128 keeps even constant volumes within 1e-6 of float64.
 */
const POOLED_MAXIMUM = 128;

/**
 * The reduction plan for onnxruntime's CPU kernels: pooled sums over the largest power-of-two chunk
 * (at most 128) that divides the voxel count, when that chunk has at least 64 voxels; otherwise
 * {@link reductionPlanFor}'s plan. Example: 96^3 = 2^15 * 27 voxels use chunks of 128.
 */
export function cpuReductionPlanFor(spatialShape: readonly number[]): ReductionPlan {
  const voxels = spatialShape.reduce((total, extent) => total * extent, 1);
  let chunk = 1;
  while (chunk < POOLED_MAXIMUM && voxels % (chunk * 2) === 0) chunk *= 2;
  return chunk >= POOLED_MINIMUM ? { kind: 'pooled', chunk } : reductionPlanFor(spatialShape);
}

/** A stable text key of a variant (session caches). */
export function variantKey(variant: object): string {
  return JSON.stringify(variant);
}
