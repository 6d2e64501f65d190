import { GraphBuilder } from '../src/onnx/graph-builder.js';
import type { GraphSpec } from '../src/onnx/onnx-model.js';

/**
 * The naive Dice graph the issue compares against: probabilities `p` and dense targets `t`
 * `[N, C, ...spatial]`, one Mul, three float32 ReduceSum over the spatial axes, then the formula
 * `1 - mean((2I + s) / (P + T + s))`; with `gradient`, also
 * `dL/dp = -(2t·(P + T + s) - (2I + s)) / (P + T + s)² / (N·C)`.
 */
export function buildNaiveDiceGraph(spatialRank: number, gradient: boolean): GraphSpec {
  const builder = new GraphBuilder();
  const dims = ['N', 'C', ...Array.from({ length: spatialRank }, (_, axis) => `D${axis + 1}`)];
  const p = builder.input('input', 'float', dims);
  const t = builder.input('target', 'float', dims);
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
    builder.output(scaled, 'gradient', 'float', dims);
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
