import { GraphBuilder } from '../src/onnx/graph-builder.js';
import type { GraphSpec } from '../src/onnx/onnx-model.js';

/**
 * The naive Dice graph the issue compares against: probabilities `p` and dense targets `t`
 * `[N, C, ...spatial]`, one Mul, three float32 ReduceSum over the spatial axes, then the formula
 * `1 - mean((2I + s) / (P + T + s))`; with `gradient`, also
 * `dL/dp = -(2t·(P + T + s) - (2I + s)) / (P + T + s)² / (N·C)`.
 * With `labels`, the naive way to take an int32 label map `[N, ...spatial]`:
 * `t = Cast(Equal(labels[:, None], [0..C)))`; with `softmax` the input holds logits, `p = Softmax(x, axis 1)`
 * (the ONNX op), and the gradient goes through the softmax backward `dL/dx = p (g - Σ_c g p)`.
 */
export function buildNaiveDiceGraph(spatialRank: number, gradient: boolean, settings: { readonly labels?: boolean; readonly softmax?: boolean } = {}): GraphSpec {
  const labels = settings.labels === true;
  const softmax = settings.softmax === true;
  const builder = new GraphBuilder();
  const dims = ['N', 'C', ...Array.from({ length: spatialRank }, (_, axis) => `D${axis + 1}`)];
  const x = builder.input('input', 'float', dims);
  let p = x;
  let t: string;
  if (labels) {
    const labelMap = builder.input('target', 'int32', ['N', ...dims.slice(2)]);
    const channels = builder.op('Squeeze', [builder.op('Slice', [builder.op('Shape', [x]), builder.ints([1]), builder.ints([2])])]);
    const range = builder.op('Range', [builder.constant('int32', [], [0]), builder.cast(channels, 6), builder.constant('int32', [], [1])]);
    const classIndices = builder.op('Reshape', [range, builder.ints([1, -1, ...new Array<number>(spatialRank).fill(1)])]);
    t = builder.cast(builder.op('Equal', [builder.op('Unsqueeze', [labelMap, builder.ints([1])]), classIndices]), 1);
  } else {
    t = builder.input('target', 'float', dims);
  }
  if (softmax) p = builder.op('Softmax', [x], { axis: 1 });
  const axes = builder.ints(Array.from({ length: spatialRank }, (_, axis) => axis + 2));
  const intersection = builder.op('ReduceSum', [builder.mul(p, t), axes], { keepdims: 1 });
  const prediction = builder.op('ReduceSum', [p, axes], { keepdims: 1 });
  const target = builder.op('ReduceSum', [t, axes], { keepdims: 1 });
  const smooth = builder.scalar(1e-5);
  const numerator = builder.add(builder.mul(builder.scalar(2), intersection), smooth);
  const denominator = builder.add(builder.add(prediction, target), smooth);
  const loss = builder.sub(builder.scalar(1), builder.op('ReduceMean', [builder.div(numerator, denominator)], { keepdims: 0 }));
  builder.output(loss, 'loss', 'float', []);
  if (gradient) {
    const count = builder.cast(builder.op('Size', [intersection]), 1);
    const slope = builder.sub(builder.mul(builder.mul(builder.scalar(2), t), denominator), numerator);
    const scaled = builder.div(builder.op('Neg', [slope]), builder.mul(builder.mul(denominator, denominator), count));
    const logitGradient = softmax
      ? builder.mul(p, builder.sub(scaled, builder.op('ReduceSum', [builder.mul(scaled, p), builder.ints([1])], { keepdims: 1 })))
      : scaled;
    builder.output(logitGradient, 'gradient', 'float', dims);
  }
  return builder.build('naive_dice');
}

/** A graph that only takes `input` and `target` and returns a scalar: measures the input copy into wasm. */
export function buildInputCopyGraph(spatialRank: number, labels: boolean): GraphSpec {
  const builder = new GraphBuilder();
  const dims = ['N', 'C', ...Array.from({ length: spatialRank }, (_, axis) => `D${axis + 1}`)];
  const input = builder.input('input', 'float', dims);
  const target = builder.input('target', labels ? 'int32' : 'float', null);
  const size = builder.add(builder.op('Size', [input]), builder.op('Size', [target]));
  builder.output(size, 'size', 'int64', []);
  return builder.build('input_copy');
}
