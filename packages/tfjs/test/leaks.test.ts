import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { diceCELoss, diceLoss, diceMetric, generalizedDiceLoss } from '../src/index.js';

function tinyModel(channels: number): tf.LayersModel {
  const model = tf.sequential();
  // A dense layer over the channel axis: a 1x1 convolution whose backward every backend registers.
  model.add(tf.layers.dense({ inputShape: [4, 4, 2], units: channels }));
  return model;
}

// Small shapes keep 1,000 steps fast; the point is the tensor count, not the arithmetic.
describe.each(['cpu', 'wasm'])('no tensor leaks on %s', (backend) => {
  it('1,000 model.fit steps leave tf.memory().numTensors unchanged', async () => {
    await tf.setBackend(backend);
    const model = tinyModel(3);
    model.compile({ optimizer: tf.train.adam(0.01), loss: diceCELoss({ activation: 'softmax' }), metrics: [diceMetric({ activation: 'softmax', emptyPolicy: 'one' })] });
    const x = tf.randomNormal([1000, 4, 4, 2]);
    const y = tf.oneHot(tf.randomUniformInt([1000, 4, 4], 0, 3), 3).toFloat();
    // One warm-up step creates the optimizer's slots; everything after must be balanced.
    await model.fit(x.slice(0, 1), y.slice(0, 1), { epochs: 1, batchSize: 1, verbose: 0 }).then(() => undefined);
    const before = tf.memory().numTensors;
    const history = await model.fit(x, y, { epochs: 1, batchSize: 1, verbose: 0, shuffle: false });
    expect(tf.memory().numTensors).toBe(before);
    const losses = history.history.loss as number[];
    expect(Number.isFinite(losses[0])).toBe(true);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('1,000 valueAndGrad calls leave tf.memory().numTensors unchanged', async () => {
    await tf.setBackend(backend);
    const logits = tf.randomNormal([2, 6, 6, 3]);
    const labels = tf.randomUniformInt([2, 6, 6], 0, 3);
    const losses = [diceLoss({ activation: 'softmax', targetFormat: 'labels', reduction: 'none' }), generalizedDiceLoss({ activation: 'softmax', targetFormat: 'labels' })];
    const before = tf.memory().numTensors;
    for (let step = 0; step < 1000; step++) {
      const loss = losses[step % 2] as (typeof losses)[number];
      const { value, grad } = tf.valueAndGrad((prediction: tf.Tensor) => loss(labels, prediction))(logits);
      tf.dispose([value, grad]);
    }
    expect(tf.memory().numTensors).toBe(before);
    // A forward call without a tape (inference) saves nothing and leaks nothing either.
    tf.dispose(losses[0]?.(labels, logits));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([logits, labels]);
  });
});
