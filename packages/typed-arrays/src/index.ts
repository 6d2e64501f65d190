/**
 * @dicekit/typed-arrays: every loss, metric and accumulator of SPEC.md over raw typed arrays, in
 * fused single passes with float64 accumulation. Options, validation and the O(N·C) formulas come from
 * @dicekit/core; this package computes the statistics and gradients.
 */
export { computeLoss, lossPass, type TypedArrayLossPass, type TypedArrayLossResult, type TypedArraySettings } from './losses/compute-loss.js';
export { diceLoss } from './losses/dice-loss.js';
export { jaccardLoss } from './losses/jaccard-loss.js';
export { tverskyLoss } from './losses/tversky-loss.js';
export { generalizedDiceLoss } from './losses/generalized-dice-loss.js';
export { logCoshDiceLoss } from './losses/log-cosh-dice-loss.js';
export { diceCELoss } from './losses/dice-ce-loss.js';
export { diceFocalLoss } from './losses/dice-focal-loss.js';
export { computeMetric } from './metrics/compute-metric.js';
export { diceMetric } from './metrics/dice-metric.js';
export { iouMetric } from './metrics/iou-metric.js';
export { hardStatistics } from './metrics/hard-statistics.js';
export { createMetricAccumulator, TypedArrayMetricAccumulator } from './metrics/metric-accumulator.js';
export { fastExp } from './math/fast-exp.js';
export { kernelPath } from './kernel/kernel-path.js';
export type { KernelChoice } from './kernel/direct-pass.js';
export type { FloatArray, LabelArray, WeightArray } from './kernel/kernel-data.js';
export { kernelMemory, type KernelMemory } from './memory/kernel-memory.js';
export { kernelThreads, setKernelThreads } from './threads/kernel-threads.js';
