import { DiceKitError } from '../errors/dicekit-error.js';
import type { TensorLike } from '../tensor/tensor.js';
import { ALL_LOSS_OPTION_NAMES, COMMON_OPTION_NAMES, METRIC_OWN_OPTION_NAMES } from './option-sets.js';
import { METRIC_NAMES, type MetricName, type MetricOptions, type ResolvedMetricOptions } from './option-types.js';
import { readBoolean, readChoice, readNumber } from './option-validators.js';
import { optionEntries, resolveCommonOptions } from './resolve-common-options.js';

/** Returns `metric` if it is `'dice'` or `'iou'`, else throws `E_OPTION`. */
export function checkMetricName(metric: unknown): MetricName {
  if (typeof metric !== 'string' || !(METRIC_NAMES as readonly string[]).includes(metric)) {
    throw new DiceKitError('E_OPTION', `unknown metric ${JSON.stringify(metric)}; expected one of ${METRIC_NAMES.join(', ')}`);
  }
  return metric as MetricName;
}

/**
 * Validates metric options and fills in the defaults of SPEC.md section 6 (`argmax` defaults to true
 * with softmax; `threshold` 0.5; `emptyPolicy` `'nan'`). Loss-only options are `E_OPTION`.
 */
export function resolveMetricOptions(
  metricName: MetricName,
  options?: MetricOptions | Record<string, unknown>,
): ResolvedMetricOptions & { readonly mask: TensorLike | null } {
  const metric = checkMetricName(metricName);
  const entries = optionEntries(options);
  const accepted = new Set<string>([...COMMON_OPTION_NAMES, ...METRIC_OWN_OPTION_NAMES]);
  for (const name of Object.keys(entries)) {
    if (accepted.has(name) || entries[name] === undefined) continue;
    if (ALL_LOSS_OPTION_NAMES.has(name)) {
      throw new DiceKitError('E_OPTION', `option '${name}' is a loss option; the metric '${metric}' does not take it`);
    }
    throw new DiceKitError('E_OPTION', `unknown option '${name}' for metric '${metric}'`);
  }
  const common = resolveCommonOptions(entries);
  return {
    ...common,
    metric,
    argmax: readBoolean('argmax', entries.argmax, common.activation === 'softmax'),
    threshold: readNumber('threshold', entries.threshold, {}, 0.5),
    emptyPolicy: readChoice('emptyPolicy', entries.emptyPolicy, ['nan', 'one', 'zero'] as const, 'nan'),
  };
}
