import { checkPerChannelArray, type Geometry } from '../geometry/geometry.js';
import { planProblem } from '../geometry/plan.js';
import { validateData } from '../geometry/validate-data.js';
import type { LossName, LossOptions, ResolvedLossOptions } from '../options/option-types.js';
import { resolveLossOptions } from '../options/resolve-loss-options.js';
import { statisticsKindOf, type StatisticsKind } from '../statistics/pair-statistics.js';
import type { TensorLike } from '../tensor/tensor.js';

/** Everything a backend needs to compute a loss: resolved options, geometry, classes, mask. */
export interface PreparedLoss {
  readonly options: ResolvedLossOptions;
  readonly geometry: Geometry;
  /** Channels of the Dice terms, ascending. */
  readonly classes: readonly number[];
  readonly mask: TensorLike | null;
  /** Which sums the statistics pass must produce. */
  readonly kind: StatisticsKind;
}

/**
 * Resolves options (E_OPTION), checks shapes and array types (E_SHAPE, E_DTYPE) and, unless a backend
 * fuses them into its own statistics pass (`checkData: false`), the data values (E_NONFINITE,
 * E_VALUE, E_LABEL). The single entry point every backend calls before computing a loss.
 */
export function prepareLoss(
  loss: LossName,
  input: TensorLike,
  target: TensorLike,
  options?: LossOptions,
  settings: { checkData?: boolean } = {},
): PreparedLoss {
  const resolved = resolveLossOptions(loss, options);
  const { mask, ...resolvedOptions } = resolved;
  const { geometry, classes } = planProblem(resolvedOptions, input, target, mask);
  checkPerChannelArray('classWeights', resolvedOptions.classWeights, geometry.channels);
  if (Array.isArray(resolvedOptions.focalAlpha)) {
    checkPerChannelArray('focalAlpha', resolvedOptions.focalAlpha as readonly number[], geometry.channels);
  }
  if (settings.checkData !== false) validateData(resolvedOptions, geometry, input, target, mask);
  return { options: resolvedOptions, geometry, classes, mask, kind: statisticsKindOf(resolvedOptions) };
}
