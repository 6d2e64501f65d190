import * as tf from '@tensorflow/tfjs';

/** Settings of {@link createUNet}. */
export interface UNetOptions {
  /** Side of the square input images (divisible by 4). */
  readonly size: number;
  /** Output channels: one logit per foreground class. */
  readonly outputChannels: number;
  /** Filters of the first level; they double at each level down (default 8). */
  readonly baseFilters?: number;
  /** Seed of every weight initialiser: the same seed gives the same initial weights. */
  readonly seed: number;
  /**
   * Initial bias of the output logits (default `log(0.02 / 0.98)`): the prior probability of a
   * foreground pixel (Lin et al. 2017), so training starts from "almost everything background"
   * instead of from p = 0.5 everywhere. Used for every loss alike.
   */
  readonly outputBias?: number;
}

/**
 * A small two-level U-Net (Ronneberger et al. 2015), channels-last:
 * input `[N, size, size, 1]` → logits `[N, size, size, outputChannels]` (no activation: the losses
 * and metrics take `activation: 'sigmoid'`).
 *
 * Encoder: two 3×3 ReLU convolutions per level (f, 2f, 4f filters), 2×2 max pooling; decoder:
 * nearest-neighbour upsampling, concatenation with the skip connection, two 3×3 convolutions; a
 * 1×1 convolution to the logits. With f = 8 it has about 30 k parameters.
 */
export function createUNet(options: UNetOptions): tf.LayersModel {
  const baseFilters = options.baseFilters ?? 8;
  const outputBias = options.outputBias ?? Math.log(0.02 / 0.98);
  let layerIndex = 0;
  const convolution = (filters: number) =>
    tf.layers.conv2d({
      filters,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: tf.initializers.heNormal({ seed: options.seed * 1000 + layerIndex++ }),
    });
  const block = (input: tf.SymbolicTensor, filters: number) =>
    convolution(filters).apply(convolution(filters).apply(input)) as tf.SymbolicTensor;

  const input = tf.input({ shape: [options.size, options.size, 1] });
  const level1 = block(input, baseFilters);
  const level2 = block(tf.layers.maxPooling2d({ poolSize: 2 }).apply(level1) as tf.SymbolicTensor, baseFilters * 2);
  const bottom = block(tf.layers.maxPooling2d({ poolSize: 2 }).apply(level2) as tf.SymbolicTensor, baseFilters * 4);
  const up2 = tf.layers.upSampling2d({ size: [2, 2] }).apply(bottom) as tf.SymbolicTensor;
  const decoder2 = block(tf.layers.concatenate().apply([up2, level2]) as tf.SymbolicTensor, baseFilters * 2);
  const up1 = tf.layers.upSampling2d({ size: [2, 2] }).apply(decoder2) as tf.SymbolicTensor;
  const decoder1 = block(tf.layers.concatenate().apply([up1, level1]) as tf.SymbolicTensor, baseFilters);
  const logits = tf.layers
    .conv2d({
      filters: options.outputChannels,
      kernelSize: 1,
      kernelInitializer: tf.initializers.glorotUniform({ seed: options.seed * 1000 + layerIndex++ }),
      biasInitializer: tf.initializers.constant({ value: outputBias }),
    })
    .apply(decoder1) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits });
}
