/**
 * A seeded pseudo-random generator (mulberry32, the generator SPEC.md section 8 uses for seeded
 * tensors), so that the synthetic data set, the weight initialisation seeds and the shuffling order
 * are the same on every machine and every run.
 *
 * @param seed any integer; only its low 32 bits matter.
 * @returns a function returning uniform numbers in [0, 1), 2^32 distinct values.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}
