import {
  DiceKitError,
  MetricAccumulator,
  metricFromStatistics,
  resolveMetricOptions,
  type AccumulatedMetrics,
  type MetricAccumulatorState,
  type MetricName,
  type MetricOptions,
  type MetricResult,
  type PairStatistics,
} from '@dicekit/core';
import { resolveOrt, type OrtModule, type OrtTensor } from './ort-runtime.js';
import { runMetricStatistics } from './run-metric.js';
import { SessionCache, type SessionSettings } from './session-cache.js';

/** Settings of {@link createMetricSession}. */
export interface MetricSessionSettings extends SessionSettings {
  /** `'dice'` or `'iou'` (SPEC.md section 6). */
  readonly metric: MetricName;
  /** Metric options without `mask` (a mask is per call). Validated here, once. */
  readonly options?: Omit<MetricOptions, 'mask'>;
  readonly ort?: OrtModule;
}

/** Per-call tensors besides the outputs and targets. */
export interface MetricCallExtra {
  /** float32 weights `[N, ...spatial]` (or with a size-1 channel axis). */
  readonly mask?: OrtTensor;
}

/** A hard metric bound to its options; its ONNX sessions are created on first use and reused. */
export interface MetricSession {
  readonly metric: MetricName;
  /**
   * Scores of model outputs (`[N, C, ...spatial]` float32/float16 logits or probabilities; argmax or
   * threshold inside the graph) against targets (dense or a uint8/int32/int64 label map): core's
   * MetricResult (`scores` `[N, C']`, `mean`, `perClass`, `counted`, `precision`, `recall`, `statistics`).
   */
  evaluate(output: OrtTensor, target: OrtTensor, extra?: MetricCallExtra): Promise<MetricResult>;
  /** Only the binarised statistics `[N, C]` (float64), for custom aggregation. */
  statistics(output: OrtTensor, target: OrtTensor, extra?: MetricCallExtra): Promise<PairStatistics>;
  /** A streaming accumulator fed from ort.Tensor outputs through this session (batchDice refused). */
  createAccumulator(): OnnxMetricAccumulator;
  readonly sessionCount: number;
  dispose(): Promise<void>;
}

/**
 * Exact streaming evaluation over ort.Tensor model outputs: each `update` runs the metric graph on a
 * batch and adds its per-(case, class) statistics to core's {@link MetricAccumulator}, so results
 * merge exactly across batches, workers and machines (`toJSON` / `fromJSON` of core's state).
 */
export class OnnxMetricAccumulator {
  /** The core accumulator holding the statistics (merge, toJSON, compute). */
  readonly accumulator: MetricAccumulator;

  constructor(
    private readonly session: MetricSession,
    options: Omit<MetricOptions, 'mask'>,
  ) {
    this.accumulator = new MetricAccumulator(session.metric, options);
  }

  /** Adds a batch; each of its N samples becomes one case (named by `caseIds`). */
  async update(output: OrtTensor, target: OrtTensor, extra: MetricCallExtra & { readonly caseIds?: readonly string[] } = {}): Promise<this> {
    const statistics = await this.session.statistics(output, target, extra);
    this.accumulator.addStatistics(statistics, extra.caseIds);
    return this;
  }

  /** Cases accumulated so far. */
  get size(): number {
    return this.accumulator.size;
  }

  /** Appends another accumulator's cases (same metric and configuration). */
  merge(other: OnnxMetricAccumulator | MetricAccumulator): this {
    this.accumulator.merge(other instanceof OnnxMetricAccumulator ? other.accumulator : other);
    return this;
  }

  /** Per-case scores, per-class micro and macro scores (core's AccumulatedMetrics). */
  compute(): AccumulatedMetrics {
    return this.accumulator.compute();
  }

  /** core's versioned JSON state. */
  toJSON(): MetricAccumulatorState {
    return this.accumulator.toJSON();
  }
}

/**
 * Creates a metric session.
 *
 *     const dice = await createMetricSession({ metric: 'dice', options: { activation: 'softmax', targetFormat: 'labels' } });
 *     const { mean, perClass } = await dice.evaluate(logits, labels);
 */
export async function createMetricSession(settings: MetricSessionSettings): Promise<MetricSession> {
  const options = settings.options ?? {};
  if ((options as MetricOptions).mask !== undefined) throw new DiceKitError('E_OPTION', "option 'mask' is per call: pass it to evaluate(output, target, { mask })");
  resolveMetricOptions(settings.metric, options);
  const cache = new SessionCache(await resolveOrt(settings.ort), settings);
  const run = (output: OrtTensor, target: OrtTensor, extra: MetricCallExtra = {}) =>
    runMetricStatistics(cache, settings.metric, options, { input: output, target, mask: extra.mask ?? null }, { checkData: true });
  const session: MetricSession = {
    metric: settings.metric,
    async evaluate(output, target, extra) {
      const { statistics, prepared } = await run(output, target, extra);
      return metricFromStatistics(prepared.options, prepared.classes, statistics);
    },
    async statistics(output, target, extra) {
      return (await run(output, target, extra)).statistics;
    },
    createAccumulator: () => new OnnxMetricAccumulator(session, options),
    get sessionCount() {
      return cache.size;
    },
    dispose: () => cache.dispose(),
  };
  return session;
}

/**
 * One-shot metric on ort.Tensor outputs: creates a session, evaluates, releases it. For repeated
 * calls keep a {@link createMetricSession} instead (session creation costs tens of milliseconds).
 */
export async function evaluate(
  settings: MetricSessionSettings & { readonly output: OrtTensor; readonly target: OrtTensor; readonly mask?: OrtTensor },
): Promise<MetricResult> {
  const session = await createMetricSession(settings);
  try {
    return await session.evaluate(settings.output, settings.target, settings.mask === undefined ? {} : { mask: settings.mask });
  } finally {
    await session.dispose();
  }
}
