import { DiceKitError } from '../errors/dicekit-error.js';
import type { Geometry } from '../geometry/geometry.js';
import { planProblem } from '../geometry/plan.js';
import { validateData } from '../geometry/validate-data.js';
import type { MetricName, MetricOptions, ResolvedMetricOptions } from '../options/option-types.js';
import { resolveMetricOptions } from '../options/resolve-metric-options.js';
import type { TensorLike } from '../tensor/tensor.js';

/** Everything a backend needs to compute a metric: resolved options, geometry, classes, mask. */
export interface PreparedMetric {
  readonly options: ResolvedMetricOptions;
  readonly geometry: Geometry;
  readonly classes: readonly number[];
  readonly mask: TensorLike | null;
}

/** Checks the options that need `C` (argmax with one channel). */
export function checkMetricChannels(options: ResolvedMetricOptions, channels: number): void {
  if (options.argmax && channels === 1) {
    throw new DiceKitError('E_OPTION', "option 'argmax' is true but the input has C = 1 channel; use a threshold for a single channel");
  }
}

/**
 * Resolves metric options, checks shapes and (unless a backend fuses them, `checkData: false`) data
 * values. The single entry point every backend calls before computing a metric.
 */
export function prepareMetric(
  metric: MetricName,
  input: TensorLike,
  target: TensorLike,
  options?: MetricOptions,
  settings: { checkData?: boolean } = {},
): PreparedMetric {
  const { mask, ...resolved } = resolveMetricOptions(metric, options);
  const { geometry, classes } = planProblem(resolved, input, target, mask);
  checkMetricChannels(resolved, geometry.channels);
  if (settings.checkData !== false) validateData(resolved, geometry, input, target, mask);
  return { options: resolved, geometry, classes, mask };
}
