import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exactSum } from './exact-sum.js';

describe('exactSum', () => {
  it('is exact where naive summation is not', () => {
    expect(exactSum([1e16, 1, -1e16])).toBe(1);
    expect(exactSum([0.1, 0.2, 0.3])).toBe(0.6);
    expect(exactSum(Array.from({ length: 10 }, () => 0.1))).toBe(1);
    expect(exactSum([])).toBe(0);
  });
  it('does not depend on the order of the values', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 40 }), fc.nat(), (values, seed) => {
        const shuffled = [...values].sort((a, b) => ((a * 7919 + seed) % 13) - ((b * 7919 + seed) % 13));
        expect(exactSum(shuffled)).toBe(exactSum(values));
        expect(exactSum([...values].reverse())).toBe(exactSum(values));
      }),
      { numRuns: 300 },
    );
  });
});
