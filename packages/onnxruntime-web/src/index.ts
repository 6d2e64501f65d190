/**
 * @dicekit/onnxruntime-web: the Dice family as ONNX graphs run by onnxruntime-web, and Dice/IoU
 * metrics on ort.Tensor model outputs. Statistics (activation, masked products, accurate two-level
 * sums) run in a graph; core's per-pair formulas run on the `[N, C]` statistics; the gradient runs
 * in a second graph fed with core's elementwise coefficients.
 */
export { createLossSession, type LossSession, type LossSessionSettings } from './runtime/create-loss-session.js';
export type { LossComputation } from './runtime/run-loss.js';
export {
  OnnxMetricAccumulator,
  createMetricSession,
  evaluate,
  type MetricCallExtra,
  type MetricSession,
  type MetricSessionSettings,
} from './runtime/create-metric-session.js';
export { SessionCache, type SessionSettings } from './runtime/session-cache.js';
export type { ExecutionProviders, OrtModule, OrtSession, OrtTensor } from './runtime/ort-runtime.js';
export { decodeFloat16, encodeFloat16 } from './runtime/ort-tensors.js';
export { createOnnxBackend, type OnnxBackendSettings } from './conformance-backend.js';
export { exportLossModels, exportMetricModel, type ExportedModels, type ExportSettings } from './export/export-models.js';
export { encodeModel, type GraphSpec, type ModelSpec } from './onnx/onnx-model.js';
export { GraphBuilder } from './onnx/graph-builder.js';
export { buildStatisticsGraph, type StatisticsVariant, type CompoundSettings } from './graphs/statistics-graph.js';
export { buildGradientGraph, type GradientVariant } from './graphs/gradient-graph.js';
export { cpuReductionPlanFor, reductionPlanFor, type InputVariant, type PredictionType, type ReductionPlan, type TargetType } from './graphs/graph-variant.js';
