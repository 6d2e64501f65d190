import type { LossName } from './option-types.js';

/** Options every loss and metric accepts. */
export const COMMON_OPTION_NAMES = [
  'activation',
  'layout',
  'targetFormat',
  'ignoreIndex',
  'mask',
  'includeBackground',
  'classes',
  'batchDice',
] as const;

/** Options every loss accepts on top of the common ones. */
export const SHARED_LOSS_OPTION_NAMES = ['reduction', 'smoothNumerator', 'smoothDenominator', 'eps'] as const;

const DICE_OWN = ['classWeights', 'absentClasses', 'squared', 'softLabel', 'logLoss'] as const;

/** The options each loss accepts beyond the common and shared ones (SPEC.md section 4). */
export const LOSS_OWN_OPTION_NAMES: Readonly<Record<LossName, readonly string[]>> = {
  dice: DICE_OWN,
  jaccard: DICE_OWN,
  tversky: ['classWeights', 'absentClasses', 'softLabel', 'logLoss', 'alpha', 'beta', 'gamma'],
  generalizedDice: ['weightType'],
  logCoshDice: ['classWeights', 'absentClasses', 'squared', 'softLabel'],
  diceCE: [...DICE_OWN, 'lambdaDice', 'lambdaCE'],
  diceFocal: [...DICE_OWN, 'lambdaDice', 'lambdaFocal', 'focalGamma', 'focalAlpha'],
};

/** Options only the metrics accept. */
export const METRIC_OWN_OPTION_NAMES = ['argmax', 'threshold', 'emptyPolicy'] as const;

/** Every loss-only option name, for refusing them in metrics. */
export const ALL_LOSS_OPTION_NAMES: ReadonlySet<string> = new Set([
  ...SHARED_LOSS_OPTION_NAMES,
  ...Object.values(LOSS_OWN_OPTION_NAMES).flat(),
]);

/** The losses that accept `name`, for "belongs to another loss" messages. */
export function lossesAccepting(name: string): LossName[] {
  return (Object.keys(LOSS_OWN_OPTION_NAMES) as LossName[]).filter((loss) =>
    LOSS_OWN_OPTION_NAMES[loss].includes(name),
  );
}
