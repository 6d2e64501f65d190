import type { LossName, LossOptions, MetricName, MetricOptions } from '../options/option-types.js';
import type { TensorLike } from '../tensor/tensor.js';

/** Numeric precision a backend computes in; it picks the conformance tolerances. */
export type BackendPrecision = 'float64' | 'float32';

/**
 * A loss computation handed to a backend: host typed arrays and the caller's options (the mask is
 * `options.mask`). Backends resolve options through core (`prepareLoss`), so validation and defaults
 * live in one place.
 */
export interface LossRequest {
  readonly loss: LossName;
  readonly input: TensorLike;
  readonly target: TensorLike;
  readonly options: LossOptions;
  /** Also return `d(sum of loss)/d(input)`. */
  readonly gradient: boolean;
}

/** What a backend returns for a loss request. */
export interface LossResponse {
  /** Shape `[]` (reduced) or the matrix shape (`reduction: 'none'`). */
  readonly loss: TensorLike;
  /** Same shape and layout as the input; present when the request asked for it. */
  readonly gradient?: TensorLike | null;
}

/** A metric computation handed to a backend (mask in `options.mask`). */
export interface MetricRequest {
  readonly metric: MetricName;
  readonly input: TensorLike;
  readonly target: TensorLike;
  readonly options: MetricOptions;
}

/** What a backend returns for a metric request (SPEC.md section 6). */
export interface MetricResponse {
  /** `[N, C']`, or `[C']` with `batchDice`; NaN where the empty policy says so. */
  readonly scores: TensorLike;
  readonly mean: number;
  readonly perClass: TensorLike;
  readonly counted: number;
}

/** What a backend can do; the conformance kit skips, with a written reason, what it cannot. */
export interface BackendCapabilities {
  readonly precision: BackendPrecision;
  readonly losses: readonly LossName[];
  readonly metrics: readonly MetricName[];
  readonly gradient: boolean;
  /** Free-form notes shown by the conformance CLI (which path runs, say). */
  readonly notes?: readonly string[];
}

/**
 * The adapter contract (DESIGN.md): one object per backend, computing losses (and optionally metrics)
 * from host typed arrays through the same code path as the backend's native API.
 */
export interface DiceKitBackend {
  readonly name: string;
  readonly capabilities: BackendCapabilities;
  computeLoss(request: LossRequest): LossResponse | Promise<LossResponse>;
  computeMetric?(request: MetricRequest): MetricResponse | Promise<MetricResponse>;
  /** Releases sessions, workers or GPU memory. */
  dispose?(): void | Promise<void>;
}

/** Creates a backend, possibly asynchronously (loading WebAssembly, creating sessions). */
export type BackendFactory = () => DiceKitBackend | Promise<DiceKitBackend>;
