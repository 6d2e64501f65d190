/**
 * @dicekit/core: the float64 reference of SPEC.md. Every loss of the Dice family with its analytic
 * gradient, option resolution (the only place defaults live), errors, statistics and the backend
 * contract. Zero dependencies, no DOM or Node globals.
 */
export { DiceKitError, DICEKIT_ERROR_CODES, isDiceKitError, type DiceKitErrorCode } from './errors/dicekit-error.js';
export {
  coordinatesOf,
  formatShape,
  isIntegerTypedArray,
  numberReader,
  shapeSize,
  type NumericData,
  type Tensor64,
  type TensorLike,
} from './tensor/tensor.js';
export * from './options/option-types.js';
export {
  ALL_LOSS_OPTION_NAMES,
  COMMON_OPTION_NAMES,
  LOSS_OWN_OPTION_NAMES,
  METRIC_OWN_OPTION_NAMES,
  SHARED_LOSS_OPTION_NAMES,
} from './options/option-sets.js';
export { DEFAULT_SMOOTH, checkLossName, resolveLossOptions } from './options/resolve-loss-options.js';
export {
  checkPerChannelArray,
  geometryOf,
  inputIndex,
  selectClasses,
  type Geometry,
} from './geometry/geometry.js';
export { planProblem, type ProblemLayout } from './geometry/plan.js';
export { validateData } from './geometry/validate-data.js';
export { voxelAccess, type VoxelAccess } from './geometry/voxel-access.js';
export { logSigmoid, sigmoid, softplus, softmaxBackwardInPlace, softmaxInto } from './activation/activation.js';
export { activateAll, type ActivatedInput } from './activation/activate-all.js';
export {
  addStatisticsInto,
  createStatistics,
  effectiveIntersection,
  poolStatistics,
  statisticsKindOf,
  type PairStatistics,
  type StatisticsKind,
} from './statistics/pair-statistics.js';
export { computeStatistics } from './statistics/compute-statistics.js';
export { PERFECT_PAIR, logFloor, lossFromScore, smoothedRatio, type PairTerm, type Score } from './losses/pair-term.js';
export { dicePair, diceScore, type DicePairOptions } from './losses/dice/dice-pair.js';
export { jaccardPair } from './losses/jaccard/jaccard-pair.js';
export { tverskyPair, type TverskyPairOptions } from './losses/tversky/tversky-pair.js';
export { logCosh, logCoshDicePair } from './losses/log-cosh-dice/log-cosh-dice-pair.js';
export {
  generalizedDiceSample,
  generalizedDiceWeights,
  type GeneralizedDiceOptions,
} from './losses/generalized-dice/generalized-dice-sample.js';
export { diceTermFromStatistics, type DiceTermResult } from './losses/loss-from-statistics.js';
export { elementwiseCoefficients, type ElementwiseCoefficients } from './losses/elementwise-coefficients.js';
export { compoundKindOf, compoundTerm, type CompoundKind } from './losses/compound/compound-term.js';
export { prepareLoss, type PreparedLoss } from './losses/prepare-loss.js';
export { computeLoss, type ComputeSettings, type LossResult } from './losses/compute-loss.js';
export { diceLoss } from './losses/dice/dice-loss.js';
export { jaccardLoss } from './losses/jaccard/jaccard-loss.js';
export { tverskyLoss } from './losses/tversky/tversky-loss.js';
export { generalizedDiceLoss } from './losses/generalized-dice/generalized-dice-loss.js';
export { logCoshDiceLoss } from './losses/log-cosh-dice/log-cosh-dice-loss.js';
export { diceCELoss } from './losses/compound/dice-ce-loss.js';
export { diceFocalLoss } from './losses/compound/dice-focal-loss.js';
export type {
  BackendCapabilities,
  BackendFactory,
  BackendPrecision,
  DiceKitBackend,
  LossRequest,
  LossResponse,
  MetricRequest,
  MetricResponse,
} from './backend/backend-contract.js';
export { checkMetricName, resolveMetricOptions } from './options/resolve-metric-options.js';
export { checkMetricChannels, prepareMetric, type PreparedMetric } from './metrics/prepare-metric.js';
export { binarize } from './metrics/binarize.js';
export { metricFromStatistics, metricPairScore, nanMean, type MetricResult } from './metrics/metric-from-statistics.js';
export { computeMetric, diceMetric, hardStatistics, iouMetric } from './metrics/compute-metric.js';
export {
  METRIC_STATE_FORMAT,
  MetricAccumulator,
  type AccumulatedMetrics,
  type MetricAccumulatorState,
} from './metrics/metric-accumulator.js';
export { exactSum } from './statistics/exact-sum.js';
export { mulberry32 } from './tensor/mulberry32.js';
