/**
 * One row's sums, `[I, P, T, D]`, over `count` voxels starting at `offset`. Two independent
 * accumulators per sum shorten the dependency chains; a block's partial sums are small, so adding them
 * to the float64 totals per block keeps 67M-voxel sums exact to about 1e-15 (blocked summation).
 */
export function accumulateRow(
  probability: Float64Array,
  target: Float64Array,
  weight: Float64Array | null,
  offset: number,
  count: number,
  squared: boolean,
  absoluteDifference: boolean,
  into: Float64Array,
): void {
  let i0 = 0;
  let i1 = 0;
  let p0 = 0;
  let p1 = 0;
  let t0 = 0;
  let t1 = 0;
  let d0 = 0;
  let d1 = 0;
  const end = offset + count;
  const pairedEnd = offset + (count & ~1);
  if (weight === null) {
    if (squared) {
      for (let index = offset; index < end; index++) {
        const p = probability[index] as number;
        const t = target[index] as number;
        i0 += p * t;
        p0 += p * p;
        t0 += t * t;
      }
    } else if (absoluteDifference) {
      for (let index = offset; index < end; index++) {
        const p = probability[index] as number;
        const t = target[index] as number;
        i0 += p * t;
        p0 += p;
        t0 += t;
        d0 += Math.abs(p - t);
      }
    } else {
      let index = offset;
      for (; index < pairedEnd; index += 2) {
        const pa = probability[index] as number;
        const ta = target[index] as number;
        const pb = probability[index + 1] as number;
        const tb = target[index + 1] as number;
        i0 += pa * ta;
        p0 += pa;
        t0 += ta;
        i1 += pb * tb;
        p1 += pb;
        t1 += tb;
      }
      if (index < end) {
        const p = probability[index] as number;
        const t = target[index] as number;
        i0 += p * t;
        p0 += p;
        t0 += t;
      }
    }
  } else {
    for (let index = offset, voxel = 0; index < end; index++, voxel++) {
      const w = weight[voxel] as number;
      const p = probability[index] as number;
      const t = target[index] as number;
      const wp = w * p;
      i0 += wp * t;
      if (squared) {
        p0 += wp * p;
        t0 += w * t * t;
      } else {
        p0 += wp;
        t0 += w * t;
        if (absoluteDifference) d0 += w * Math.abs(p - t);
      }
    }
  }
  into[0] = i0 + i1;
  into[1] = p0 + p1;
  into[2] = t0 + t1;
  into[3] = d0 + d1;
}
