/**
 * Standard normal draws from a uniform generator (Box-Muller). Uses two uniforms per draw and keeps
 * no cached second value, so the stream of draws depends only on the generator's state.
 *
 * @param uniform a generator of numbers in [0, 1), for example {@link mulberry32}.
 * @returns a function returning N(0, 1) numbers.
 */
export function gaussianSampler(uniform: () => number): () => number {
  return () => {
    // 1 - u lies in (0, 1], so the logarithm is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - uniform()));
    return radius * Math.cos(2 * Math.PI * uniform());
  };
}
