import type {
  DiceCELossOptions,
  DiceFocalLossOptions,
  DiceLossOptions,
  GeneralizedDiceLossOptions,
  JaccardLossOptions,
  LogCoshDiceLossOptions,
  LossName,
  LossOptions,
  MetricName,
  MetricOptions,
  TverskyLossOptions,
} from '@dicekit/core';
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';

/**
 * Settings of the tfjs adapter itself, on top of the SPEC.md options.
 * - `mask`: per-voxel weights as a `tf.Tensor` (`[N, ...spatial]` or with a size-1 channel axis).
 * - `checkData` (default true): on the tf-op path, run the data checks of SPEC.md section 7
 *   (E_NONFINITE, E_VALUE, E_LABEL) as a few tf reductions read back together with the statistics.
 *   The host path fuses them into its statistics pass, where they always run (they cost next to
 *   nothing); there `false` only skips the device-side finiteness check of the logits that wasm's
 *   `tf.softmax` shortcut needs. Turn off only for data you have already validated.
 */
export interface TensorSettings {
  readonly mask?: Tensor;
  readonly checkData?: boolean;
  /**
   * Which code path computes a loss (default `'auto'`): `'host'` reads the data where the cpu and
   * wasm backends keep them (CPU memory) and runs @dicekit/typed-arrays' fused float64 passes, one
   * forward and one backward; `'tf-ops'` composes tf ops (any backend). `'auto'` picks `'host'` on
   * cpu and wasm (every loss, compound ones included), `'tf-ops'` otherwise (webgl, webgpu). Metrics
   * use tf ops.
   */
  readonly kernel?: KernelChoice;
}

/** The loss code paths (see `TensorSettings.kernel`). */
export type KernelChoice = 'auto' | 'host' | 'tf-ops';

/** Replaces core's host `mask` by a `tf.Tensor` mask. */
type WithTensorMask<Options> = Omit<Options, 'mask'> & TensorSettings;

/**
 * Options of every tfjs loss: the SPEC.md options of that loss (section 4), with `layout` defaulting
 * to `'channels-last'` (Keras) instead of SPEC.md's `'channels-first'`.
 */
export type TensorLossOptions = WithTensorMask<LossOptions>;
/** `dice` options of SPEC.md, with `mask` given as a tf tensor. */
export type TensorDiceLossOptions = WithTensorMask<DiceLossOptions>;
/** `jaccard` options of SPEC.md, with `mask` given as a tf tensor. */
export type TensorJaccardLossOptions = WithTensorMask<JaccardLossOptions>;
/** `tversky` options of SPEC.md, with `mask` given as a tf tensor. */
export type TensorTverskyLossOptions = WithTensorMask<TverskyLossOptions>;
/** `generalizedDice` options of SPEC.md, with `mask` given as a tf tensor. */
export type TensorGeneralizedDiceLossOptions = WithTensorMask<GeneralizedDiceLossOptions>;
/** `logCoshDice` options of SPEC.md, with `mask` given as a tf tensor. */
export type TensorLogCoshDiceLossOptions = WithTensorMask<LogCoshDiceLossOptions>;
/** `diceCE` options of SPEC.md, with `mask` given as a tf tensor. */
export type TensorDiceCELossOptions = WithTensorMask<DiceCELossOptions>;
/** `diceFocal` options of SPEC.md, with `mask` given as a tf tensor. */
export type TensorDiceFocalLossOptions = WithTensorMask<DiceFocalLossOptions>;

/** The JSON-serialisable description of a loss, used to re-create it after reloading a model. */
export interface LossConfig {
  readonly loss: LossName;
  readonly options: Omit<LossOptions, 'mask'> & { readonly checkData?: boolean; readonly kernel?: KernelChoice };
}

/**
 * A Keras-style loss: `(yTrue, yPred) => tf.Scalar` (the per-pair matrix for `reduction: 'none'`),
 * usable as `model.compile({ loss })`, in `tf.variableGrads` and in `optimizer.minimize`. The gradient
 * with respect to `yPred` is analytic (`tf.customGrad`); `yTrue` gets none.
 */
export interface LossFunction {
  (yTrue: Tensor, yPred: Tensor): Scalar;
  /** What the loss computes; `serializeLoss` reads it. */
  readonly dicekit: LossConfig;
}

/**
 * Options of the tfjs metrics: the SPEC.md metric options (section 6), `layout` defaulting to
 * `'channels-last'`, plus `classIndex`: report that channel's score (mean over samples, NaN-skipping)
 * instead of the mean over all selected classes.
 */
export type TensorMetricOptions = Omit<MetricOptions, 'mask'> & TensorSettings & { readonly classIndex?: number };

/** A Keras-style metric `(yTrue, yPred) => tf.Scalar` for `model.compile({ metrics })`. */
export interface MetricFunction {
  (yTrue: Tensor, yPred: Tensor): Scalar;
  readonly metric: MetricName;
}
