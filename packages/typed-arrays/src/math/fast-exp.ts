/**
 * A table-driven `exp` for the hot loops: `Math.exp` costs about 25 ns per call in V8 on this class of
 * machine, which alone would make a fused sigmoid pass twenty times slower than a memory copy.
 *
 * `e^x = 2^(k/64) · e^r` with `k = round(x·64/ln 2)` and `|r| <= ln 2 / 128`; `2^(k/64)` comes from two
 * tables (`2^(i/64)` for `i < 64` and `2^m`), `e^r` from a degree-6 Taylor polynomial whose truncation
 * error is below 1e-17. Relative error against `Math.exp`: about 2e-15 over `[-745, 0]`, the only range
 * the kernels use (arguments are `-|x|` or `x - max`). Plain float64 arithmetic only, so any engine gives
 * the same bits.
 */

// fdlibm's split of ln 2: the high part has 21 trailing zero bits, so `k · hi` is exact for |k| < 2^21.
const LN2_HIGH_OVER_64 = 6.93147180369123816490e-1 / 64;
const LN2_LOW_OVER_64 = 1.90821492927058770002e-10 / 64;
const SIXTY_FOUR_OVER_LN2 = 64 / Math.LN2;
// Adding and subtracting 1.5·2^52 rounds a float64 of magnitude < 2^51 to the nearest integer.
const ROUNDING_CONSTANT = 6755399441055744.0;
const POWER_OFFSET = 1100;
const LOWEST_ARGUMENT = -745.2;

const FRACTION_POWERS = new Float64Array(64);
for (let index = 0; index < 64; index++) FRACTION_POWERS[index] = Math.pow(2, index / 64);
const INTEGER_POWERS = new Float64Array(2 * POWER_OFFSET);
for (let index = 0; index < INTEGER_POWERS.length; index++) INTEGER_POWERS[index] = Math.pow(2, index - POWER_OFFSET);

/**
 * `e^x` for finite `x <= 709` (used with `x <= 0`); returns 0 below -745.2, like `Math.exp` does
 * (to within the last subnormal).
 */
export function fastExp(x: number): number {
  const clamped = x < LOWEST_ARGUMENT ? LOWEST_ARGUMENT : x > 709.7 ? 709.7 : x;
  const rounded = clamped * SIXTY_FOUR_OVER_LN2 + ROUNDING_CONSTANT - ROUNDING_CONSTANT;
  const r = clamped - rounded * LN2_HIGH_OVER_64 - rounded * LN2_LOW_OVER_64;
  const k = rounded | 0;
  const polynomial =
    1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r * (1 / 720))))));
  return (FRACTION_POWERS[k & 63] as number) * polynomial * (INTEGER_POWERS[(k >> 6) + POWER_OFFSET] as number);
}

/**
 * The constants and tables of {@link fastExp}: `e = fraction[k & 63] · polynomial · integer[(k >> 6) +
 * offset]`. (The WebAssembly sigmoid kernel no longer uses them: it evaluates its exponential in
 * float32, see `src/wasm/kernel-source.ts`.)
 */
export const FAST_EXP_CONSTANTS = {
  ln2HighOver64: LN2_HIGH_OVER_64,
  ln2LowOver64: LN2_LOW_OVER_64,
  sixtyFourOverLn2: SIXTY_FOUR_OVER_LN2,
  roundingConstant: ROUNDING_CONSTANT,
  powerOffset: POWER_OFFSET,
  lowestArgument: LOWEST_ARGUMENT,
  taylor: [1, 1, 0.5, 1 / 6, 1 / 24, 1 / 120, 1 / 720],
  fractionPowers: FRACTION_POWERS,
  integerPowers: INTEGER_POWERS,
} as const;
