/**
 * The error codes of SPEC.md section 7.
 * - `E_SHAPE`: shapes, ranks, layouts or sizes disagree.
 * - `E_OPTION`: an unknown, mistyped, out-of-range or contradictory option.
 * - `E_DTYPE`: an unsupported array type (float labels, say).
 * - `E_LABEL`: a label outside `[0, C)` that is not `ignoreIndex`.
 * - `E_VALUE`: a finite value outside its domain (probabilities outside [0, 1], a negative mask).
 * - `E_NONFINITE`: NaN or Infinity in `input`, `target` or `mask`.
 */
export type DiceKitErrorCode = 'E_SHAPE' | 'E_OPTION' | 'E_DTYPE' | 'E_LABEL' | 'E_VALUE' | 'E_NONFINITE';

/** Every error code, in SPEC.md section 7 order. */
export const DICEKIT_ERROR_CODES: readonly DiceKitErrorCode[] = [
  'E_SHAPE',
  'E_OPTION',
  'E_DTYPE',
  'E_LABEL',
  'E_VALUE',
  'E_NONFINITE',
];

/**
 * The one error type every dicekit package throws for bad input. `code` is stable (SPEC.md section 7);
 * the message names the offending option, shape, value and position.
 */
export class DiceKitError extends Error {
  readonly code: DiceKitErrorCode;

  constructor(code: DiceKitErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = 'DiceKitError';
    this.code = code;
  }
}

/** True when `error` is a {@link DiceKitError} (also across package copies, by shape). */
export function isDiceKitError(error: unknown): error is DiceKitError {
  return (
    error instanceof DiceKitError ||
    (error instanceof Error &&
      error.name === 'DiceKitError' &&
      typeof (error as { code?: unknown }).code === 'string' &&
      (DICEKIT_ERROR_CODES as readonly string[]).includes((error as unknown as { code: string }).code))
  );
}
