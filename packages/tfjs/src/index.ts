/**
 * @dicekit/tfjs: Keras-style Dice-family losses and metrics for TensorFlow.js. Losses are
 * `(yTrue, yPred) => tf.Scalar` with analytic gradients (`tf.customGrad` from core's statistics
 * derivatives), channels-last by default, accurate chunked float32 reductions and no tensor leaks.
 */
export { createLoss } from './losses/create-loss.js';
export { diceLoss } from './losses/dice-loss.js';
export { jaccardLoss } from './losses/jaccard-loss.js';
export { tverskyLoss } from './losses/tversky-loss.js';
export { focalTverskyLoss } from './losses/focal-tversky-loss.js';
export { lossValueAndGradient } from './losses/loss-value-and-gradient.js';
export { generalizedDiceLoss } from './losses/generalized-dice-loss.js';
export { logCoshDiceLoss } from './losses/log-cosh-dice-loss.js';
export { diceCELoss } from './losses/dice-ce-loss.js';
export { diceFocalLoss } from './losses/dice-focal-loss.js';
export { createMetric, tensorMetric } from './metrics/create-metric.js';
export { diceMetric } from './metrics/dice-metric.js';
export { iouMetric } from './metrics/iou-metric.js';
export { tensorMetricStatistics, tensorMetricStatisticsAsync } from './metrics/tensor-metric-statistics.js';
export { TensorMetricAccumulator } from './metrics/tensor-metric-accumulator.js';
export { deserializeLoss, serializeLoss } from './serialization/loss-config.js';
export type {
  LossConfig,
  LossFunction,
  MetricFunction,
  TensorDiceCELossOptions,
  TensorDiceFocalLossOptions,
  TensorDiceLossOptions,
  TensorGeneralizedDiceLossOptions,
  TensorJaccardLossOptions,
  TensorLogCoshDiceLossOptions,
  TensorLossOptions,
  TensorMetricOptions,
  KernelChoice,
  TensorSettings,
  TensorTverskyLossOptions,
} from './types.js';
