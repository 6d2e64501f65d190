/**
 * Scratch memory for one block of voxels of one sample, channel-major (`array[c·size + j]`). Its size
 * depends on `C` only, never on the data: the kernels stream any volume through it, and a label map
 * becomes one-hot only block by block, never as a whole.
 */
export class BlockScratch {
  /** Voxels per block. */
  readonly size: number;
  readonly channels: number;
  /** Raw input values (logits or probabilities). */
  readonly input: Float64Array;
  /** `p = act(input)`. */
  readonly probability: Float64Array;
  /** `1 - p` without cancellation (sigmoid, and softmax for the compound terms). */
  readonly complement: Float64Array;
  /** Target values (dense, or one-hot from the label map). */
  readonly target: Float64Array;
  /** `dL/dp`, then `dL/dinput`. */
  readonly gradient: Float64Array;
  /** The compound term's unscaled gradient with respect to the logits. */
  readonly compoundGradient: Float64Array;
  /** Per-voxel weights (mask times the ignore rule). */
  readonly weight: Float64Array;
  /** Softmax per voxel: the largest logit, its channel, `Σ_{c ≠ argmax} e^{x_c - max}`. */
  readonly maximum: Float64Array;
  readonly argmax: Int32Array;
  readonly rest: Float64Array;
  /** Per-voxel sums (the softmax backward's `Σ_c g_c p_c`). */
  readonly dot: Float64Array;

  constructor(channels: number) {
    // About 8K elements per array: every array of a block stays in the L2 cache.
    const size = Math.max(64, Math.min(4096, Math.floor(8192 / channels)));
    this.size = size;
    this.channels = channels;
    const elements = size * channels;
    this.input = new Float64Array(elements);
    this.probability = new Float64Array(elements);
    this.complement = new Float64Array(elements);
    this.target = new Float64Array(elements);
    this.gradient = new Float64Array(elements);
    this.compoundGradient = new Float64Array(elements);
    this.weight = new Float64Array(size);
    this.maximum = new Float64Array(size);
    this.argmax = new Int32Array(size);
    this.rest = new Float64Array(size);
    this.dot = new Float64Array(size);
  }
}
