import type { TensorLike } from '../tensor/tensor.js';

/** The losses of SPEC.md section 4. */
export type LossName =
  | 'dice'
  | 'jaccard'
  | 'tversky'
  | 'generalizedDice'
  | 'logCoshDice'
  | 'diceCE'
  | 'diceFocal';

/** The hard metrics of SPEC.md section 6. */
export type MetricName = 'dice' | 'iou';

/** Every loss name, in SPEC.md order. */
export const LOSS_NAMES: readonly LossName[] = [
  'dice',
  'jaccard',
  'tversky',
  'generalizedDice',
  'logCoshDice',
  'diceCE',
  'diceFocal',
];

/** Every metric name. */
export const METRIC_NAMES: readonly MetricName[] = ['dice', 'iou'];

/** SPEC.md section 2: how input becomes probabilities. */
export type Activation = 'none' | 'sigmoid' | 'softmax';
/** SPEC.md section 1: where the channel axis is. */
export type Layout = 'channels-first' | 'channels-last';
/** SPEC.md section 1: dense targets or integer label maps. */
export type TargetFormat = 'dense' | 'labels';
/** SPEC.md section 5: how the per-pair matrix is reduced. */
export type Reduction = 'mean' | 'sum' | 'none';
/** SPEC.md section 4: `'zero'` zeroes the loss of pairs whose target is empty. */
export type AbsentClasses = 'keep' | 'zero';
/** SPEC.md section 4: generalized Dice class weights. */
export type WeightType = 'square' | 'simple' | 'uniform';
/** SPEC.md section 6: the score of a pair with `P + T = 0`. */
export type EmptyPolicy = 'nan' | 'one' | 'zero';

/** Options every loss and metric shares (SPEC.md sections 1, 2 and 5). */
export interface CommonOptions {
  /** `'none'` (input are probabilities, the default), `'sigmoid'` or `'softmax'` (input are logits). */
  activation?: Activation;
  /** `'channels-first'` (`[N, C, ...spatial]`, the default) or `'channels-last'` (`[N, ...spatial, C]`). */
  layout?: Layout;
  /** `'dense'` (same shape as input, the default) or `'labels'` (an integer class per voxel). */
  targetFormat?: TargetFormat;
  /** With label maps: voxels with this label get mask 0. */
  ignoreIndex?: number;
  /** Per-voxel non-negative weights, shape `[N, ...spatial]` or with a size-1 channel axis. */
  mask?: TensorLike;
  /** `false` drops channel 0 from the Dice terms (default true). */
  includeBackground?: boolean;
  /** Channel indices entering the Dice terms, strictly ascending (default: all). */
  classes?: readonly number[];
  /** Pool the statistics over the batch, per class (default false). */
  batchDice?: boolean;
}

/** Options of the losses (SPEC.md sections 4 and 5). Each loss accepts the subset listed in SPEC.md. */
export interface LossOptions extends CommonOptions {
  /** `'mean'` (default), `'sum'` or `'none'` over the per-pair matrix. */
  reduction?: Reduction;
  /** Added to the numerator (default 1e-5). */
  smoothNumerator?: number;
  /** Added to the denominator (default 1e-5). */
  smoothDenominator?: number;
  /** A denominator `d` is used as `max(d, eps)` (default 0). */
  eps?: number;
  /** `C` non-negative weights multiplying each pair's loss (and the CE/focal voxel weights). */
  classWeights?: readonly number[];
  /** V-Net: `P = Σ m p²`, `T = Σ m t²` (default false). */
  squared?: boolean;
  /** Wang & Blaschko soft-label intersection `(P + T - Σ m|p - t|) / 2` (default false). */
  softLabel?: boolean;
  /** `-log(score)` instead of `1 - score` (default false). */
  logLoss?: boolean;
  /** `'zero'` sets the pair loss to 0 where `T = 0` (default `'keep'`). */
  absentClasses?: AbsentClasses;
  /** Tversky weight of false positives (default 0.5). */
  alpha?: number;
  /** Tversky weight of false negatives (default 0.5). */
  beta?: number;
  /** Focal Tversky exponent (default 1). */
  gamma?: number;
  /** Generalized Dice class weights: `'square'` (1/T², default), `'simple'` (1/T) or `'uniform'`. */
  weightType?: WeightType;
  /** Weight of the Dice term of compound losses (default 1). */
  lambdaDice?: number;
  /** Weight of the cross-entropy term of `diceCE` (default 1). */
  lambdaCE?: number;
  /** Weight of the focal term of `diceFocal` (default 1). */
  lambdaFocal?: number;
  /** Focal exponent (default 2). */
  focalGamma?: number;
  /** Focal alpha: a number in [0, 1] with sigmoid, `C` numbers with softmax (default none). */
  focalAlpha?: number | readonly number[];
}

/** Options of the hard metrics (SPEC.md section 6). */
export interface MetricOptions extends CommonOptions {
  /** Argmax over channels (default: true with softmax, false otherwise). */
  argmax?: boolean;
  /** Binarisation threshold on `act(input)` without argmax (default 0.5). */
  threshold?: number;
  /** Score of a pair with `P + T = 0` (default `'nan'`). */
  emptyPolicy?: EmptyPolicy;
}

/** Shared options after validation and defaults; `mask` is carried separately. */
export interface ResolvedCommonOptions {
  readonly activation: Activation;
  readonly layout: Layout;
  readonly targetFormat: TargetFormat;
  readonly ignoreIndex: number | null;
  readonly includeBackground: boolean;
  readonly classes: readonly number[] | null;
  readonly batchDice: boolean;
}

/** Every loss option with its default filled in (the only place defaults live is `resolveLossOptions`). */
export interface ResolvedLossOptions extends ResolvedCommonOptions {
  readonly loss: LossName;
  readonly reduction: Reduction;
  readonly smoothNumerator: number;
  readonly smoothDenominator: number;
  readonly eps: number;
  readonly classWeights: readonly number[] | null;
  readonly squared: boolean;
  readonly softLabel: boolean;
  readonly logLoss: boolean;
  readonly absentClasses: AbsentClasses;
  readonly alpha: number;
  readonly beta: number;
  readonly gamma: number;
  readonly weightType: WeightType;
  readonly lambdaDice: number;
  readonly lambdaCE: number;
  readonly lambdaFocal: number;
  readonly focalGamma: number;
  readonly focalAlpha: number | readonly number[] | null;
}

/** Every metric option with its default filled in. */
export interface ResolvedMetricOptions extends ResolvedCommonOptions {
  readonly metric: MetricName;
  readonly argmax: boolean;
  readonly threshold: number;
  readonly emptyPolicy: EmptyPolicy;
}

type Shared = keyof CommonOptions | 'reduction' | 'smoothNumerator' | 'smoothDenominator' | 'eps';
type DiceOwn = 'classWeights' | 'absentClasses' | 'squared' | 'softLabel' | 'logLoss';

/** Options of `dice` (and `jaccard`). */
export type DiceLossOptions = Pick<LossOptions, Shared | DiceOwn>;
/** Options of `jaccard`. */
export type JaccardLossOptions = DiceLossOptions;
/** Options of `tversky` (and focal Tversky with `gamma`). */
export type TverskyLossOptions = Pick<
  LossOptions,
  Shared | 'classWeights' | 'absentClasses' | 'softLabel' | 'logLoss' | 'alpha' | 'beta' | 'gamma'
>;
/** Options of `generalizedDice`. */
export type GeneralizedDiceLossOptions = Pick<LossOptions, Shared | 'weightType'>;
/** Options of `logCoshDice`. */
export type LogCoshDiceLossOptions = Pick<LossOptions, Shared | 'classWeights' | 'absentClasses' | 'squared' | 'softLabel'>;
/** Options of `diceCE`. */
export type DiceCELossOptions = Pick<LossOptions, Shared | DiceOwn | 'lambdaDice' | 'lambdaCE'>;
/** Options of `diceFocal`. */
export type DiceFocalLossOptions = Pick<LossOptions, Shared | DiceOwn | 'lambdaDice' | 'lambdaFocal' | 'focalGamma' | 'focalAlpha'>;
