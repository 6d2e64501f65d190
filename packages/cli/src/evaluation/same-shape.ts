/** Drops trailing size-1 axes (NIfTI pads `dim` with ones; a 2D mask may be saved as [H, W, 1]). */
function significant(shape: readonly number[]): readonly number[] {
  let end = shape.length;
  while (end > 1 && shape[end - 1] === 1) end--;
  return shape.slice(0, end);
}

/** True when two shapes agree up to trailing size-1 axes. */
export function sameShape(left: readonly number[], right: readonly number[]): boolean {
  const a = significant(left);
  const b = significant(right);
  return a.length === b.length && a.every((size, axis) => size === b[axis]);
}

/** `[256, 256, 128]`. */
export function formatShapeOf(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
