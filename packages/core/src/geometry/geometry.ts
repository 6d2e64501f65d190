import { DiceKitError } from '../errors/dicekit-error.js';
import type { Layout, ResolvedCommonOptions, TargetFormat } from '../options/option-types.js';
import { formatShape, shapeSize } from '../tensor/tensor.js';

/**
 * Where every element lives. The input is `[N, C, ...spatial]` (channels-first) or
 * `[N, ...spatial, C]` (channels-last); per-voxel tensors (label maps, masks) are `[N, ...spatial]`.
 * With `V` voxels per sample:
 * - channels-first: input index `(n·C + c)·V + v`;
 * - channels-last: input index `(n·V + v)·C + c`;
 * - per-voxel index `n·V + v`.
 */
export interface Geometry {
  readonly layout: Layout;
  readonly batch: number;
  readonly channels: number;
  readonly spatialShape: readonly number[];
  /** Voxels per sample: the product of the spatial extents. */
  readonly voxels: number;
  /** Offset between channels of one voxel (`V` channels-first, 1 channels-last). */
  readonly channelStride: number;
  /** Offset between voxels of one channel (1 channels-first, `C` channels-last). */
  readonly voxelStride: number;
  /** Offset between samples in the input (`C·V`). */
  readonly sampleStride: number;
}

/** Flat index of input element `(n, c, v)`. */
export function inputIndex(geometry: Geometry, sample: number, channel: number, voxel: number): number {
  return sample * geometry.sampleStride + channel * geometry.channelStride + voxel * geometry.voxelStride;
}

function checkExtents(name: string, shape: readonly number[]): void {
  if (!Array.isArray(shape)) throw new DiceKitError('E_SHAPE', `${name} has no shape array`);
  for (const extent of shape) {
    if (!Number.isInteger(extent) || extent < 1) {
      throw new DiceKitError('E_SHAPE', `${name} shape ${formatShape(shape)} has an axis of size ${extent}; every axis needs size >= 1`);
    }
  }
}

/** Checks that `data.length` equals the product of `shape`. */
export function checkDataLength(name: string, shape: readonly number[], length: number): void {
  const size = shapeSize(shape);
  if (length !== size) {
    throw new DiceKitError('E_SHAPE', `${name} data has ${length} elements but its shape ${formatShape(shape)} holds ${size}`);
  }
}

/** Derives the geometry from the input shape (SPEC.md section 1). */
export function geometryOf(inputShape: readonly number[], layout: Layout): Geometry {
  checkExtents('input', inputShape);
  if (inputShape.length < 3) {
    throw new DiceKitError(
      'E_SHAPE',
      `input shape ${formatShape(inputShape)} has rank ${inputShape.length}; expected ${
        layout === 'channels-first' ? '[N, C, ...spatial]' : '[N, ...spatial, C]'
      } with at least one spatial axis`,
    );
  }
  const batch = inputShape[0] as number;
  const channels = (layout === 'channels-first' ? inputShape[1] : inputShape[inputShape.length - 1]) as number;
  const spatialShape = layout === 'channels-first' ? inputShape.slice(2) : inputShape.slice(1, -1);
  const voxels = shapeSize(spatialShape);
  return {
    layout,
    batch,
    channels,
    spatialShape,
    voxels,
    channelStride: layout === 'channels-first' ? voxels : 1,
    voxelStride: layout === 'channels-first' ? 1 : channels,
    sampleStride: channels * voxels,
  };
}

/**
 * Checks a per-voxel tensor (label map or mask): `[N, ...spatial]`, or the same with a size-1 channel
 * axis where the layout puts channels.
 */
export function checkVoxelShape(name: string, shape: readonly number[], inputShape: readonly number[], geometry: Geometry): void {
  checkExtents(name, shape);
  const plain = [geometry.batch, ...geometry.spatialShape];
  const withChannel =
    geometry.layout === 'channels-first'
      ? [geometry.batch, 1, ...geometry.spatialShape]
      : [geometry.batch, ...geometry.spatialShape, 1];
  const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  if (!same(shape, plain) && !same(shape, withChannel)) {
    throw new DiceKitError(
      'E_SHAPE',
      `${name} shape ${formatShape(shape)} does not fit input shape ${formatShape(inputShape)} (${geometry.layout}); expected ${formatShape(plain)} or ${formatShape(withChannel)}`,
    );
  }
}

/** Checks the target's shape against the input's (SPEC.md section 1). */
export function checkTargetShape(
  targetShape: readonly number[],
  inputShape: readonly number[],
  geometry: Geometry,
  targetFormat: TargetFormat,
): void {
  if (targetFormat === 'labels') {
    checkVoxelShape('label-map target', targetShape, inputShape, geometry);
    return;
  }
  checkExtents('target', targetShape);
  if (targetShape.length !== inputShape.length || targetShape.some((extent, axis) => extent !== inputShape[axis])) {
    throw new DiceKitError(
      'E_SHAPE',
      `dense target shape ${formatShape(targetShape)} differs from input shape ${formatShape(inputShape)}; a dense target has the input's shape (use targetFormat 'labels' for a label map)`,
    );
  }
}

/**
 * The channels whose pairs enter the Dice terms: `classes` (default all), minus channel 0 when
 * `includeBackground` is false. Also checks the options that need `C` (SPEC.md sections 2 and 5).
 */
export function selectClasses(options: ResolvedCommonOptions, channels: number): number[] {
  if (options.activation === 'softmax' && channels === 1) {
    throw new DiceKitError('E_OPTION', "option 'activation' is 'softmax' but the input has C = 1 channel; softmax over one channel makes every probability 1 (use 'sigmoid')");
  }
  if (!options.includeBackground && channels === 1) {
    throw new DiceKitError('E_OPTION', "option 'includeBackground' is false but the input has C = 1 channel; dropping it would leave no class");
  }
  let selected: number[];
  if (options.classes === null) {
    selected = Array.from({ length: channels }, (_, channel) => channel);
  } else {
    for (const channel of options.classes) {
      if (channel >= channels) {
        throw new DiceKitError('E_OPTION', `option 'classes' has entry ${channel}, outside [0, ${channels}) for C = ${channels}`);
      }
    }
    selected = [...options.classes];
  }
  if (!options.includeBackground) selected = selected.filter((channel) => channel !== 0);
  if (selected.length === 0) {
    throw new DiceKitError('E_OPTION', `options 'classes' and 'includeBackground' leave no class to score (classes ${JSON.stringify(options.classes)})`);
  }
  return selected;
}

/** Checks that an option array has exactly `C` entries. */
export function checkPerChannelArray(name: string, values: readonly number[] | null, channels: number): void {
  if (values !== null && values.length !== channels) {
    throw new DiceKitError('E_OPTION', `option '${name}' has ${values.length} entries; the input has C = ${channels} channels`);
  }
}
