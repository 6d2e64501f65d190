import { DiceKitError } from '../errors/dicekit-error.js';
import type { TensorLike } from '../tensor/tensor.js';
import {
  COMMON_OPTION_NAMES,
  LOSS_OWN_OPTION_NAMES,
  METRIC_OWN_OPTION_NAMES,
  SHARED_LOSS_OPTION_NAMES,
  lossesAccepting,
} from './option-sets.js';
import { LOSS_NAMES, type LossName, type LossOptions, type ResolvedLossOptions } from './option-types.js';
import { optionError, readBoolean, readChoice, readNumber, readNumberArray } from './option-validators.js';
import { optionEntries, resolveCommonOptions } from './resolve-common-options.js';

/** The default smoothing of SPEC.md section 4. */
export const DEFAULT_SMOOTH = 1e-5;

/** Returns `loss` if it names a loss of SPEC.md section 4, else throws `E_OPTION` listing the names. */
export function checkLossName(loss: unknown): LossName {
  if (typeof loss !== 'string' || !(LOSS_NAMES as readonly string[]).includes(loss)) {
    throw new DiceKitError('E_OPTION', `unknown loss ${JSON.stringify(loss)}; expected one of ${LOSS_NAMES.join(', ')}`);
  }
  return loss as LossName;
}

function refuseForeignOptions(loss: LossName, entries: Record<string, unknown>): void {
  const accepted = new Set<string>([...COMMON_OPTION_NAMES, ...SHARED_LOSS_OPTION_NAMES, ...LOSS_OWN_OPTION_NAMES[loss]]);
  for (const name of Object.keys(entries)) {
    if (accepted.has(name) || entries[name] === undefined) continue;
    const owners = lossesAccepting(name);
    if (owners.length > 0) {
      throw new DiceKitError('E_OPTION', `option '${name}' belongs to ${owners.join(', ')}, not to '${loss}'`);
    }
    if ((METRIC_OWN_OPTION_NAMES as readonly string[]).includes(name)) {
      throw new DiceKitError('E_OPTION', `option '${name}' is a metric option; the loss '${loss}' does not take it`);
    }
    throw new DiceKitError('E_OPTION', `unknown option '${name}' for loss '${loss}'`);
  }
}

/**
 * Validates loss options and fills in every default (the only place defaults live).
 * Checks that need the number of channels `C` (classes in range, array lengths, softmax with
 * `C == 1`) happen in `planLoss`, once the shapes are known.
 *
 * @throws DiceKitError `E_OPTION` for an unknown option, one of another loss, a `null` or mistyped
 *   value, a value out of range or options that contradict each other.
 */
export function resolveLossOptions(
  lossName: LossName,
  options?: LossOptions | Record<string, unknown>,
): ResolvedLossOptions & { readonly mask: TensorLike | null } {
  const loss = checkLossName(lossName);
  const entries = optionEntries(options);
  refuseForeignOptions(loss, entries);
  const common = resolveCommonOptions(entries);
  const compound = loss === 'diceCE' || loss === 'diceFocal';

  const reduction = readChoice('reduction', entries.reduction, ['mean', 'sum', 'none'] as const, 'mean');
  if (compound && reduction === 'none') {
    throw new DiceKitError('E_OPTION', `option 'reduction' is 'none'; the compound loss '${loss}' takes 'mean' or 'sum'`);
  }
  if (compound && common.activation === 'none') {
    throw new DiceKitError(
      'E_OPTION',
      `option 'activation' is 'none'; '${loss}' needs logits with activation 'softmax' or 'sigmoid'`,
    );
  }

  const nonNegative = { min: 0 };
  const alpha = readNumber('alpha', entries.alpha, nonNegative, 0.5);
  const beta = readNumber('beta', entries.beta, nonNegative, 0.5);
  if (alpha + beta <= 0) {
    throw new DiceKitError('E_OPTION', `options 'alpha' (${alpha}) and 'beta' (${beta}) must have a positive sum`);
  }
  const gamma = readNumber('gamma', entries.gamma, { min: 0, exclusiveMin: true }, 1);
  const logLoss = readBoolean('logLoss', entries.logLoss, false);
  if (loss === 'tversky' && logLoss && gamma !== 1) {
    throw new DiceKitError('E_OPTION', `option 'logLoss' needs gamma 1; 'gamma' is ${gamma}`);
  }

  let focalAlpha: number | readonly number[] | null = null;
  if (entries.focalAlpha !== undefined) {
    if (common.activation === 'sigmoid') {
      if (typeof entries.focalAlpha !== 'number') {
        throw optionError('focalAlpha', entries.focalAlpha, "a number in [0, 1] with activation 'sigmoid'");
      }
      focalAlpha = readNumber('focalAlpha', entries.focalAlpha, { min: 0, max: 1 }, 0);
    } else {
      if (!Array.isArray(entries.focalAlpha) && !ArrayBuffer.isView(entries.focalAlpha)) {
        throw optionError('focalAlpha', entries.focalAlpha, "an array of C numbers in [0, 1] with activation 'softmax'");
      }
      focalAlpha = readNumberArray('focalAlpha', entries.focalAlpha, { min: 0, max: 1 });
    }
  }

  return {
    ...common,
    loss,
    reduction,
    smoothNumerator: readNumber('smoothNumerator', entries.smoothNumerator, nonNegative, DEFAULT_SMOOTH),
    smoothDenominator: readNumber('smoothDenominator', entries.smoothDenominator, nonNegative, DEFAULT_SMOOTH),
    eps: readNumber('eps', entries.eps, nonNegative, 0),
    classWeights: readNumberArray('classWeights', entries.classWeights, nonNegative),
    squared: readBoolean('squared', entries.squared, false),
    softLabel: readBoolean('softLabel', entries.softLabel, false),
    logLoss,
    absentClasses: readChoice('absentClasses', entries.absentClasses, ['keep', 'zero'] as const, 'keep'),
    alpha,
    beta,
    gamma,
    weightType: readChoice('weightType', entries.weightType, ['square', 'simple', 'uniform'] as const, 'square'),
    lambdaDice: readNumber('lambdaDice', entries.lambdaDice, nonNegative, 1),
    lambdaCE: readNumber('lambdaCE', entries.lambdaCE, nonNegative, 1),
    lambdaFocal: readNumber('lambdaFocal', entries.lambdaFocal, nonNegative, 1),
    focalGamma: readNumber('focalGamma', entries.focalGamma, nonNegative, 2),
    focalAlpha,
  };
}
