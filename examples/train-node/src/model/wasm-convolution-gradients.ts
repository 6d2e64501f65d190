import * as tf from '@tensorflow/tfjs';

interface ConvolutionGradientAttributes {
  readonly strides: number | readonly [number, number];
  readonly pad: unknown;
  readonly dataFormat?: string;
  readonly dimRoundingMode?: string;
  /** Conv2DBackpropFilter only. */
  readonly filterShape?: readonly [number, number, number, number];
  /** Conv2DBackpropInput only. */
  readonly inputShape?: readonly [number, number, number, number];
}

type KernelRunner = (name: string, inputs: tf.NamedTensorInfoMap | tf.TensorInfo[], attributes: object) => tf.TensorInfo;

function runnerFor(backend: unknown): KernelRunner {
  return (name, inputs, attributes) => {
    const kernel = tf.getKernel(name, 'wasm');
    if (kernel === undefined) throw new Error(`the wasm backend has no '${name}' kernel`);
    return kernel.kernelFunc({ inputs: inputs as tf.NamedTensorInfoMap, backend: backend as object, attrs: attributes as tf.NamedAttrMap }) as tf.TensorInfo;
  };
}

/** Top and left padding of a stride-1 convolution, or null for a configuration handled elsewhere. */
function leadingPadding(attributes: ConvolutionGradientAttributes, filterHeight: number, filterWidth: number): [number, number] | null {
  const strides = typeof attributes.strides === 'number' ? [attributes.strides, attributes.strides] : attributes.strides;
  if (strides[0] !== 1 || strides[1] !== 1) return null;
  if (attributes.dataFormat !== undefined && attributes.dataFormat !== 'NHWC') return null;
  if (attributes.pad === 'same') return [Math.floor((filterHeight - 1) / 2), Math.floor((filterWidth - 1) / 2)];
  if (attributes.pad === 'valid') return [0, 0];
  if (typeof attributes.pad === 'number') return [attributes.pad, attributes.pad];
  return null;
}

/**
 * Makes 2D convolutions trainable, and fast to train, on the `wasm` backend of
 * @tensorflow/tfjs-backend-wasm 4.22, which registers no `Conv2DBackpropFilter` kernel (training any
 * `tf.layers.conv2d` fails with "Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'")
 * and whose `Conv2DBackpropInput` is a plain loop several times slower than its XNNPACK forward
 * convolution. Both gradients are rewritten in terms of wasm's fast kernels (stride 1, NHWC):
 *
 * - filter: `dW[i, j, ci, co] = Σ_{n, y, x} xPadded[n, y + i, x + j, ci] · dy[n, y, x, co]`, which is
 *   a 'valid' forward convolution of `xPadded` as `[ci, H', W', N]` by `dy` as `[H, W, N, co]`
 *   (three transposes around one XNNPACK convolution; wasm's 4D Slice is too slow for im2col);
 * - input: `dx = conv2d(dy, W flipped in space with ci and co swapped)`, the forward convolution,
 *   for 'same' padding with odd filter sizes.
 *
 * Other configurations (strides, dilations, NCHW, even 'same' filters) throw for the filter
 * gradient and keep the library's own kernel for the input gradient. Idempotent.
 */
export function registerWasmConvolutionGradients(): void {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm') === undefined) {
    tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: filterGradient });
  }
  const original = tf.getKernel('Conv2DBackpropInput', 'wasm');
  if (original !== undefined && !(original.kernelFunc as { dicekitExample?: boolean }).dicekitExample) {
    const replacement: tf.KernelFunc = (parameters) => inputGradient(parameters, original.kernelFunc);
    (replacement as { dicekitExample?: boolean }).dicekitExample = true;
    tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
    // Keep the original's setupFunc: it binds the wasm function the fallback path calls.
    tf.registerKernel({ kernelName: 'Conv2DBackpropInput', backendName: 'wasm', kernelFunc: replacement, setupFunc: original.setupFunc });
  }
}

function filterGradient({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attributes = attrs as unknown as ConvolutionGradientAttributes;
  const [filterHeight, filterWidth, inChannels, outChannels] = attributes.filterShape as readonly number[] as [number, number, number, number];
  const padding = leadingPadding(attributes, filterHeight, filterWidth);
  if (padding === null) {
    throw new Error(`Conv2DBackpropFilter for wasm supports stride 1, NHWC and 'same', 'valid' or numeric padding only (got ${JSON.stringify(attrs)})`);
  }
  const [top, left] = padding;
  const [, height, width] = x.shape as [number, number, number, number];
  const [, outHeight, outWidth] = dy.shape as [number, number, number, number];
  const run = runnerFor(backend);
  const kernelBackend = backend as tf.KernelBackend;
  const bottom = Math.max(0, outHeight + filterHeight - 1 - top - height);
  const right = Math.max(0, outWidth + filterWidth - 1 - left - width);
  const padded = run('PadV2', { x }, { paddings: [[0, 0], [top, bottom], [left, right], [0, 0]], constantValue: 0 });
  // The filter gradient is itself a 'valid' convolution once the batch axis plays the channel axis:
  // input x as [ci, H', W', N], filter dy as [H, W, N, co], output [ci, kh, kw, co].
  const channelsAsBatch = run('Transpose', { x: padded }, { perm: [3, 1, 2, 0] });
  const gradientAsFilter = run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
  const convolved = run('Conv2D', { x: channelsAsBatch, filter: gradientAsFilter }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] });
  const result = run('Transpose', { x: convolved }, { perm: [1, 2, 0, 3] });
  for (const info of [padded, channelsAsBatch, gradientAsFilter, convolved]) kernelBackend.disposeData(info.dataId);
  if (result.shape.join(',') !== [filterHeight, filterWidth, inChannels, outChannels].join(',')) {
    throw new Error(`Conv2DBackpropFilter for wasm: computed [${result.shape.join(', ')}], expected [${attributes.filterShape?.join(', ')}]`);
  }
  return result;
}

function inputGradient(parameters: Parameters<tf.KernelFunc>[0], original: tf.KernelFunc): tf.TensorInfo | tf.TensorInfo[] {
  const { inputs, backend, attrs } = parameters;
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const attributes = attrs as unknown as ConvolutionGradientAttributes;
  const [filterHeight, filterWidth] = filter.shape as [number, number, number, number];
  const oddSame = attributes.pad === 'same' && filterHeight % 2 === 1 && filterWidth % 2 === 1;
  const pointwise = attributes.pad === 'valid' && filterHeight === 1 && filterWidth === 1;
  if (leadingPadding(attributes, filterHeight, filterWidth) === null || !(oddSame || pointwise)) return original(parameters);
  const run = runnerFor(backend);
  const kernelBackend = backend as tf.KernelBackend;
  const flipped = run('Reverse', { x: filter }, { dims: [0, 1] });
  const swapped = run('Transpose', { x: flipped }, { perm: [0, 1, 3, 2] });
  const result = run('Conv2D', { x: dy, filter: swapped }, { strides: [1, 1], pad: attributes.pad, dataFormat: 'NHWC', dilations: [1, 1] });
  kernelBackend.disposeData(flipped.dataId);
  kernelBackend.disposeData(swapped.dataId);
  return result;
}
