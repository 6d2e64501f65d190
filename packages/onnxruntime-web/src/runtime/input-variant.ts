import type { Geometry, ResolvedCommonOptions } from '@dicekit/core';
import type { InputVariant } from '../graphs/graph-variant.js';
import type { OrtTensor } from './ort-runtime.js';
import { predictionTypeOf, targetTypeOf } from './ort-tensors.js';

/** The input-side graph variant of a problem: activation, layout, dtypes, rank, mask, ignoreIndex. */
export function inputVariantOf(
  options: ResolvedCommonOptions,
  geometry: Geometry,
  input: OrtTensor,
  target: OrtTensor,
  mask: OrtTensor | null,
): InputVariant {
  const labels = options.targetFormat === 'labels';
  return {
    activation: options.activation,
    layout: options.layout,
    targetFormat: options.targetFormat,
    predictionType: predictionTypeOf(input),
    targetType: targetTypeOf(target, labels),
    spatialRank: geometry.spatialShape.length,
    singleChannelLabels: labels && geometry.channels === 1,
    hasMask: mask !== null,
    ignoreIndex: labels ? options.ignoreIndex : null,
  };
}

/** The feeds of an input-side graph. */
export function inputFeeds(input: OrtTensor, target: OrtTensor, mask: OrtTensor | null): Record<string, OrtTensor> {
  return mask === null ? { input, target } : { input, target, mask };
}
