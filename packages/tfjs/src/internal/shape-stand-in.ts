import type { TensorLike } from '@dicekit/core';

/**
 * A host `TensorLike` that carries only a tf tensor's shape: core's `prepareLoss`/`prepareMetric`
 * check shapes, ranks and option-versus-C rules on it without the data being downloaded. Its `data`
 * is an array proxy reporting the right length (core accepts number arrays), so nothing is allocated.
 */
export function shapeStandIn(shape: readonly number[]): TensorLike {
  let size = 1;
  for (const extent of shape) size *= extent;
  const data = new Proxy([] as number[], {
    get(target, property, receiver) {
      if (property === 'length') return size;
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
  return { shape: [...shape], data };
}
