import type { StatisticsKind } from '../statistics/pair-statistics.js';

/**
 * The one elementwise pass every backend runs for the Dice-term gradient. For the element of
 * channel `c` at voxel `v` of sample `n`, with pair `k = n·C + c`:
 *
 *     dL/dp = m_v · (constant[k] + target[k]·t + prediction[k]·p + sign[k]·sgn(p - t))
 *
 * (`sgn(0) = 0`). Then the activation's backward turns `dL/dp` into `dL/dinput`.
 * - plain statistics: `constant = dL/dP`, `target = dL/dI`;
 * - `squared`: `target = dL/dI`, `prediction = 2·dL/dP`;
 * - soft labels (`I = (P + T - Σ m|p - t|) / 2`): `constant = dL/dP + dL/dI / 2`, `sign = -dL/dI / 2`.
 */
export interface ElementwiseCoefficients {
  readonly constant: Float64Array;
  readonly target: Float64Array;
  readonly prediction: Float64Array;
  readonly sign: Float64Array;
}

/** The per-pair coefficients of the elementwise gradient pass, from the Dice term's partials (see above). */
export function elementwiseCoefficients(
  kind: StatisticsKind,
  derivatives: { readonly dIntersection: Float64Array; readonly dPrediction: Float64Array },
): ElementwiseCoefficients {
  const size = derivatives.dIntersection.length;
  const constant = new Float64Array(size);
  const target = new Float64Array(size);
  const prediction = new Float64Array(size);
  const sign = new Float64Array(size);
  for (let k = 0; k < size; k++) {
    const dI = derivatives.dIntersection[k] as number;
    const dP = derivatives.dPrediction[k] as number;
    if (kind.squared) {
      target[k] = dI;
      prediction[k] = 2 * dP;
    } else if (kind.absoluteDifference) {
      constant[k] = dP + dI / 2;
      sign[k] = -dI / 2;
    } else {
      constant[k] = dP;
      target[k] = dI;
    }
  }
  return { constant, target, prediction, sign };
}
