/**
 * The correctly rounded sum of finite numbers (Shewchuk's exact partials, rounded once at the end).
 * Being exact, it does not depend on the order of the values: accumulators merged in any order give
 * bit-identical dataset scores.
 */
export function exactSum(values: Iterable<number>): number {
  const partials: number[] = [];
  for (const value of values) {
    let x = value;
    let kept = 0;
    for (let index = 0; index < partials.length; index++) {
      let y = partials[index] as number;
      if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
      const high = x + y;
      const low = y - (high - x);
      if (low !== 0) partials[kept++] = low;
      x = high;
    }
    partials.length = kept;
    partials.push(x);
  }
  let count = partials.length;
  if (count === 0) return 0;
  let high = partials[--count] as number;
  let low = 0;
  while (count > 0) {
    const x = high;
    const y = partials[--count] as number;
    high = x + y;
    low = y - (high - x);
    if (low !== 0) break;
  }
  // Round half-even across the remaining partials: nudge when the next partial has low's sign.
  if (count > 0) {
    const next = partials[count - 1] as number;
    if ((low < 0 && next < 0) || (low > 0 && next > 0)) {
      const doubled = low * 2;
      const candidate = high + doubled;
      if (doubled === candidate - high) high = candidate;
    }
  }
  return high;
}
