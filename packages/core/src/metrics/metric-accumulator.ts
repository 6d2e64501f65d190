import { DiceKitError } from '../errors/dicekit-error.js';
import type { MetricName, MetricOptions, ResolvedMetricOptions } from '../options/option-types.js';
import { resolveMetricOptions } from '../options/resolve-metric-options.js';
import { createStatistics, type PairStatistics } from '../statistics/pair-statistics.js';
import type { Tensor64, TensorLike } from '../tensor/tensor.js';
import { hardStatistics } from './compute-metric.js';
import { metricFromStatistics, metricPairScore, nanMean } from './metric-from-statistics.js';
import { prepareMetric } from './prepare-metric.js';
import { exactSum } from '../statistics/exact-sum.js';

/** The JSON form's format tag; bump it when the layout changes. */
export const METRIC_STATE_FORMAT = 'dicekit-metric-statistics/1';

/** The serialisable state of a {@link MetricAccumulator}: the configuration and per-(case, channel) sums. */
export interface MetricAccumulatorState {
  readonly format: typeof METRIC_STATE_FORMAT;
  readonly metric: MetricName;
  /** Resolved options (no mask) that decide what the sums mean. */
  readonly options: Omit<ResolvedMetricOptions, 'metric'>;
  /** `C`, the number of channels of the updates. */
  readonly channels: number | null;
  readonly caseIds: Array<string | null>;
  /** Per case, `C` sums each: `[cases × C]` flattened. */
  readonly intersection: number[];
  readonly prediction: number[];
  readonly target: number[];
}

/** Dataset-level results of an accumulator. */
export interface AccumulatedMetrics {
  /** Per case and selected class: the scores, `[cases, C']`. */
  readonly scores: Tensor64;
  readonly precision: Tensor64;
  readonly recall: Tensor64;
  /** Per class, from the statistics summed (exactly) over every case. */
  readonly micro: Tensor64;
  /** Per class, the mean over cases of the non-NaN scores. */
  readonly macro: Tensor64;
  /** Mean of all non-NaN per-case scores. */
  readonly mean: number;
  readonly counted: number;
  readonly cases: number;
  readonly caseIds: ReadonlyArray<string | null>;
  /** The selected channel indices (`C'` of them). */
  readonly classes: readonly number[];
}

const CONFIGURATION_KEYS = [
  'activation',
  'layout',
  'targetFormat',
  'ignoreIndex',
  'includeBackground',
  'classes',
  'argmax',
  'threshold',
  'emptyPolicy',
] as const;

function configurationText(metric: MetricName, options: Omit<ResolvedMetricOptions, 'metric'>): string {
  return JSON.stringify([metric, ...CONFIGURATION_KEYS.map((key) => options[key] ?? null)]);
}

/**
 * Exact streaming evaluation: keeps the per-(case, class) statistics of every update, so any split
 * of a dataset into batches, workers or machines, merged in any order, gives the same per-case scores
 * and (for integer-valued statistics, bit for bit) the same micro and macro scores as one pass.
 * Each sample of an update is one case. `batchDice` is refused: the pooled score is `micro`.
 */
export class MetricAccumulator {
  readonly metric: MetricName;
  readonly options: Omit<ResolvedMetricOptions, 'metric'>;
  private channels: number | null = null;
  private readonly caseIds: Array<string | null> = [];
  private readonly intersection: number[] = [];
  private readonly prediction: number[] = [];
  private readonly target: number[] = [];

  constructor(metric: MetricName, options: Omit<MetricOptions, 'mask'> = {}) {
    if ((options as MetricOptions).mask !== undefined) {
      throw new DiceKitError('E_OPTION', "option 'mask' is per batch: pass it to update(input, target, { mask })");
    }
    const { mask: _mask, metric: resolvedMetric, ...resolved } = resolveMetricOptions(metric, options);
    if (resolved.batchDice) {
      throw new DiceKitError('E_OPTION', "option 'batchDice' does not apply to an accumulator: its 'micro' scores pool every case");
    }
    this.metric = resolvedMetric;
    this.options = resolved;
  }

  /** Number of cases accumulated so far. */
  get size(): number {
    return this.caseIds.length;
  }

  /** Adds a batch: each of its `N` samples becomes one case. Inputs are not modified. */
  update(input: TensorLike, target: TensorLike, extra: { mask?: TensorLike; caseIds?: readonly string[] } = {}): this {
    const prepared = prepareMetric(this.metric, input, target, { ...this.publicOptions(), mask: extra.mask });
    this.addStatistics(hardStatistics(prepared, input, target), extra.caseIds);
    return this;
  }

  /**
   * Adds statistics a backend computed itself (binarised, `[N, C]`, plain sums), one case per sample.
   */
  addStatistics(statistics: PairStatistics, caseIds?: ReadonlyArray<string | null>): this {
    if (this.channels !== null && statistics.channels !== this.channels) {
      throw new DiceKitError('E_SHAPE', `an update with C = ${statistics.channels} channels; earlier updates had C = ${this.channels}`);
    }
    if (caseIds !== undefined && caseIds.length !== statistics.batch) {
      throw new DiceKitError('E_SHAPE', `caseIds has ${caseIds.length} entries for a batch of N = ${statistics.batch}`);
    }
    this.channels = statistics.channels;
    for (let sample = 0; sample < statistics.batch; sample++) this.caseIds.push(caseIds?.[sample] ?? null);
    for (let index = 0; index < statistics.batch * statistics.channels; index++) {
      this.intersection.push(statistics.intersection[index] as number);
      this.prediction.push(statistics.prediction[index] as number);
      this.target.push(statistics.target[index] as number);
    }
    return this;
  }

  /** Appends another accumulator's cases (same metric and configuration, else `E_OPTION`). */
  merge(other: MetricAccumulator): this {
    const mine = configurationText(this.metric, this.options);
    const theirs = configurationText(other.metric, other.options);
    if (mine !== theirs) throw new DiceKitError('E_OPTION', `cannot merge accumulators of different configurations: ${mine} and ${theirs}`);
    if (other.size > 0) this.addStatistics(other.statistics(), other.caseIds);
    return this;
  }

  /** The per-(case, channel) statistics, `[cases, C]`. */
  statistics(): PairStatistics {
    const channels = this.channels ?? 0;
    const statistics = createStatistics(this.size, channels, { squared: false, absoluteDifference: false });
    statistics.intersection.set(this.intersection);
    statistics.prediction.set(this.prediction);
    statistics.target.set(this.target);
    return statistics;
  }

  /** Per-case scores and per-class micro and macro scores. */
  compute(): AccumulatedMetrics {
    if (this.channels === null) throw new DiceKitError('E_SHAPE', 'the accumulator holds no case yet');
    const channels = this.channels;
    const classes = this.selectedClasses(channels);
    const perCase = metricFromStatistics({ metric: this.metric, emptyPolicy: this.options.emptyPolicy, batchDice: false }, classes, this.statistics());
    const micro = new Float64Array(classes.length);
    classes.forEach((channel, column) => {
      const columnSum = (sums: number[]) => exactSum(Array.from({ length: this.size }, (_, row) => sums[row * channels + channel] as number));
      const i = columnSum(this.intersection);
      const p = columnSum(this.prediction);
      const t = columnSum(this.target);
      micro[column] = metricPairScore(this.metric, i, p, t, this.options.emptyPolicy);
    });
    return {
      scores: perCase.scores,
      precision: perCase.precision,
      recall: perCase.recall,
      micro: { shape: [classes.length], data: micro },
      macro: perCase.perClass,
      mean: nanMean(perCase.scores.data),
      counted: perCase.counted,
      cases: this.size,
      caseIds: [...this.caseIds],
      classes,
    };
  }

  /** The versioned JSON form; `fromJSON(toJSON())` round-trips exactly. */
  toJSON(): MetricAccumulatorState {
    return {
      format: METRIC_STATE_FORMAT,
      metric: this.metric,
      options: { ...this.options, classes: this.options.classes === null ? null : [...this.options.classes] },
      channels: this.channels,
      caseIds: [...this.caseIds],
      intersection: [...this.intersection],
      prediction: [...this.prediction],
      target: [...this.target],
    };
  }

  /**
   * Restores an accumulator. With `expected` options, a state of another configuration is refused
   * (`E_OPTION`), so statistics of different settings are never mixed.
   */
  static fromJSON(state: unknown, expected?: { metric: MetricName; options?: Omit<MetricOptions, 'mask'> }): MetricAccumulator {
    const candidate = state as Partial<MetricAccumulatorState> | null;
    if (candidate === null || typeof candidate !== 'object' || candidate.format !== METRIC_STATE_FORMAT) {
      throw new DiceKitError('E_OPTION', `not a ${METRIC_STATE_FORMAT} state (format ${JSON.stringify(candidate?.format)})`);
    }
    const { argmax, threshold, emptyPolicy, activation, layout, targetFormat, ignoreIndex, includeBackground, classes } =
      candidate.options ?? ({} as MetricAccumulatorState['options']);
    const restored = new MetricAccumulator(candidate.metric as MetricName, {
      argmax,
      threshold,
      emptyPolicy,
      activation,
      layout,
      targetFormat,
      ignoreIndex: ignoreIndex ?? undefined,
      includeBackground,
      classes: classes ?? undefined,
    });
    if (expected !== undefined) {
      const wanted = new MetricAccumulator(expected.metric, expected.options);
      const mine = configurationText(restored.metric, restored.options);
      const theirs = configurationText(wanted.metric, wanted.options);
      if (mine !== theirs) throw new DiceKitError('E_OPTION', `the saved statistics have configuration ${mine}, expected ${theirs}`);
    }
    const channels = candidate.channels ?? null;
    const cases = candidate.caseIds ?? [];
    const sums = [candidate.intersection, candidate.prediction, candidate.target];
    if (channels !== null && sums.some((sum) => !Array.isArray(sum) || sum.length !== cases.length * channels)) {
      throw new DiceKitError('E_SHAPE', `the saved statistics do not hold ${cases.length} cases × ${channels} channels`);
    }
    if (channels !== null && cases.length > 0) {
      const statistics = createStatistics(cases.length, channels, { squared: false, absoluteDifference: false });
      statistics.intersection.set(candidate.intersection as number[]);
      statistics.prediction.set(candidate.prediction as number[]);
      statistics.target.set(candidate.target as number[]);
      restored.addStatistics(statistics, cases);
    }
    restored.channels = channels;
    return restored;
  }

  private publicOptions(): MetricOptions {
    const { ignoreIndex, classes, ...rest } = this.options;
    return { ...rest, ignoreIndex: ignoreIndex ?? undefined, classes: classes ?? undefined };
  }

  private selectedClasses(channels: number): number[] {
    const all = this.options.classes ?? Array.from({ length: channels }, (_, channel) => channel);
    for (const channel of all) {
      if (channel >= channels) throw new DiceKitError('E_OPTION', `option 'classes' has entry ${channel}, outside [0, ${channels})`);
    }
    return all.filter((channel) => this.options.includeBackground || channel !== 0);
  }
}
