import { computeLoss, computeMetric, isDiceKitError, MetricAccumulator } from '@dicekit/core';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  deserializeLoss,
  diceCELoss,
  diceLoss,
  diceMetric,
  focalTverskyLoss,
  iouMetric,
  jaccardLoss,
  lossValueAndGradient,
  serializeLoss,
  TensorMetricAccumulator,
  tverskyLoss,
} from '../src/index.js';
import { closeTo, randomProblem, seededRandom } from './random-data.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function segmentationModel(channels: number): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [6, 6, 2], units: 8, activation: 'relu' }));
  model.add(tf.layers.dense({ units: channels }));
  return model;
}

function codeOf(action: () => unknown): string | null {
  try {
    action();
    return null;
  } catch (error) {
    return isDiceKitError(error) ? error.code : `not a DiceKitError: ${String(error)}`;
  }
}

describe('Keras integration', () => {
  it('trains with optimizer.minimize and tf.variableGrads', () => {
    const weights = tf.variable(tf.randomNormal([2, 3], 0, 0.5, 'float32', 3));
    const inputs = tf.randomNormal([2, 5, 5, 2], 0, 1, 'float32', 4);
    const labels = tf.randomUniformInt([2, 5, 5], 0, 3, 5);
    const loss = diceLoss({ activation: 'softmax', targetFormat: 'labels' });
    const objective = () => loss(labels, tf.reshape(tf.matMul(tf.reshape(inputs, [-1, 2]), weights), [2, 5, 5, 3]));
    const { value, grads } = tf.variableGrads(objective);
    expect(grads[weights.name]?.shape).toEqual([2, 3]);
    const optimizer = tf.train.sgd(0.5);
    const first = value.dataSync()[0] as number;
    for (let step = 0; step < 20; step++) tf.dispose(optimizer.minimize(objective) ?? []);
    const finalLoss = objective();
    const last = finalLoss.dataSync()[0] as number;
    finalLoss.dispose();
    expect(last).toBeLessThan(first);
    tf.dispose([value, ...Object.values(grads), weights, inputs, labels]);
  });

  it('saves and reloads a compiled model: the recreated loss gives the same value', async () => {
    const model = segmentationModel(3);
    const loss = jaccardLoss({ activation: 'softmax', includeBackground: false, smoothNumerator: 1, smoothDenominator: 1 });
    model.compile({ optimizer: tf.train.adam(0.01), loss, metrics: [diceMetric({ activation: 'softmax' })] });
    const x = tf.randomNormal([4, 6, 6, 2], 0, 1, 'float32', 11);
    const y = tf.oneHot(tf.randomUniformInt([4, 6, 6], 0, 3, 12), 3).toFloat();
    await model.fit(x, y, { epochs: 2, verbose: 0 });
    model.setUserDefinedMetadata({ dicekitLoss: serializeLoss(loss) });
    let artifacts: tf.io.ModelArtifacts | null = null;
    await model.save(tf.io.withSaveHandler(async (saved) => {
      artifacts = saved;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    expect(artifacts).not.toBeNull();
    const reloaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts as unknown as tf.io.ModelArtifacts));
    const metadata = reloaded.getUserDefinedMetadata() as { dicekitLoss: unknown };
    const recreated = deserializeLoss(JSON.parse(JSON.stringify(metadata.dicekitLoss)));
    expect(serializeLoss(recreated)).toEqual(serializeLoss(loss));
    reloaded.compile({ optimizer: tf.train.adam(0.01), loss: recreated });
    const original = model.evaluate(x, y) as tf.Scalar[];
    const again = reloaded.evaluate(x, y) as tf.Scalar;
    expect(again.dataSync()[0]).toBeCloseTo(original[0]?.dataSync()[0] as number, 6);
    // And it keeps training.
    const history = await reloaded.fit(x, y, { epochs: 1, verbose: 0 });
    expect(Number.isFinite((history.history.loss as number[])[0])).toBe(true);
    tf.dispose([x, y, again, ...original]);
    model.dispose();
    reloaded.dispose();
  });

  it('fits with binary int32 label maps (C = 1, the shape model.fit accepts)', async () => {
    const model = segmentationModel(1);
    model.compile({ optimizer: tf.train.adam(0.02), loss: focalTverskyLoss({ activation: 'sigmoid', targetFormat: 'labels' }) });
    const x = tf.randomNormal([4, 6, 6, 2], 0, 1, 'float32', 21);
    const y = tf.randomUniformInt([4, 6, 6, 1], 0, 2, 22);
    const history = await model.fit(x, y, { epochs: 3, verbose: 0 });
    const losses = history.history.loss as number[];
    expect(losses.every(Number.isFinite)).toBe(true);
    tf.dispose([x, y]);
    model.dispose();
  });
});

describe('asynchronous entry point', () => {
  it('lossValueAndGradient equals tf.valueAndGrad of the loss, and leaks nothing', async () => {
    const random = seededRandom(9);
    const problem = randomProblem(random, { batch: 2, channels: 3, spatial: [4, 5], layout: 'channels-last', activation: 'softmax', targetFormat: 'labels' });
    const input = tf.tensor(problem.input, problem.inputShape);
    const target = tf.tensor(problem.target, problem.targetShape, 'int32');
    for (const loss of [
      diceLoss({ activation: 'softmax', targetFormat: 'labels', kernel: 'tf-ops', reduction: 'none' }),
      diceCELoss({ activation: 'softmax', targetFormat: 'labels', lambdaCE: 0.5 }),
    ]) {
      const before = tf.memory().numTensors;
      const { value, gradient } = await lossValueAndGradient(loss, target, input);
      const sync = tf.valueAndGrad((prediction: tf.Tensor) => loss(target, prediction))(input);
      expect(closeTo(value.dataSync(), sync.value.dataSync(), 1e-6, 1e-7)).toBeNull();
      expect(closeTo(gradient.dataSync(), sync.grad.dataSync(), 1e-6, 1e-8)).toBeNull();
      tf.dispose([value, gradient, sync.value, sync.grad]);
      expect(tf.memory().numTensors).toBe(before);
    }
    tf.dispose([input, target]);
  });
});

describe('options and errors', () => {
  it('focalTverskyLoss is tversky with gamma 0.75 (alpha = beta = 0.5 unless given)', () => {
    const random = seededRandom(5);
    const problem = randomProblem(random, { batch: 2, channels: 2, spatial: [4, 4], layout: 'channels-last', activation: 'sigmoid', targetFormat: 'dense' });
    const input = tf.tensor(problem.input, problem.inputShape);
    const target = tf.tensor(problem.target, problem.targetShape);
    const focal = focalTverskyLoss({ activation: 'sigmoid' })(target, input);
    const explicit = tverskyLoss({ activation: 'sigmoid', gamma: 0.75, alpha: 0.5, beta: 0.5 })(target, input);
    const reference = computeLoss('tversky', { shape: problem.inputShape, data: problem.input }, { shape: problem.targetShape, data: problem.target }, { activation: 'sigmoid', layout: 'channels-last', gamma: 0.75 });
    expect(focal.dataSync()[0]).toBe(explicit.dataSync()[0]);
    expect(closeTo(focal.dataSync(), reference.loss.data, 1e-6, 1e-7)).toBeNull();
    tf.dispose([input, target, focal, explicit]);
  });

  it('raises the codes of SPEC.md section 7', () => {
    expect(codeOf(() => diceLoss({ alpha: 0.3 } as never))).toBe('E_OPTION');
    const loss = diceLoss({ activation: 'softmax', targetFormat: 'labels' });
    const logits = tf.zeros([1, 2, 2, 3]);
    expect(codeOf(() => loss(tf.tensor([0, 1, 2, 5], [1, 2, 2], 'int32'), logits))).toBe('E_LABEL');
    expect(codeOf(() => loss(tf.zeros([1, 3, 2], 'int32'), logits))).toBe('E_SHAPE');
    expect(codeOf(() => loss(tf.tensor([0, 1, 0.5, 1], [1, 2, 2]), logits))).toBe('E_DTYPE');
    const probabilities = diceLoss();
    expect(codeOf(() => probabilities(tf.zeros([1, 2, 2, 1]), tf.fill([1, 2, 2, 1], 2)))).toBe('E_VALUE');
    expect(codeOf(() => probabilities(tf.zeros([1, 2, 2, 1]), tf.tensor([0, Number.NaN, 0, 0], [1, 2, 2, 1])))).toBe('E_NONFINITE');
    expect(codeOf(() => diceLoss({ mask: tf.fill([1, 2, 2], -1) })(tf.zeros([1, 2, 2, 1]), tf.zeros([1, 2, 2, 1])))).toBe('E_VALUE');
    expect(codeOf(() => diceMetric({ classIndex: -1 }))).toBe('E_OPTION');
    tf.disposeVariables();
  });
});

describe('metrics', () => {
  const random = seededRandom(31);
  const problem = randomProblem(random, { batch: 6, channels: 3, spatial: [5, 4], layout: 'channels-last', activation: 'softmax', targetFormat: 'labels' });
  const reference = (metric: 'dice' | 'iou', options = {}) =>
    computeMetric(metric, { shape: problem.inputShape, data: problem.input }, { shape: problem.targetShape, data: problem.target }, {
      activation: 'softmax',
      layout: 'channels-last',
      targetFormat: 'labels',
      ...options,
    });

  it('diceMetric / iouMetric return the mean and per-class scores of core', () => {
    const input = tf.tensor(problem.input, problem.inputShape);
    const target = tf.tensor(problem.target, problem.targetShape, 'int32');
    const settings = { activation: 'softmax', targetFormat: 'labels' } as const;
    const dice = diceMetric(settings)(target, input);
    const iou = iouMetric(settings)(target, input);
    const iouClass2 = iouMetric({ ...settings, classIndex: 2 })(target, input);
    expect(dice.dataSync()[0]).toBeCloseTo(reference('dice').mean, 6);
    expect(iou.dataSync()[0]).toBeCloseTo(reference('iou').mean, 6);
    expect(iouClass2.dataSync()[0]).toBeCloseTo(reference('iou').perClass.data[2] as number, 6);
    tf.dispose([input, target, dice, iou, iouClass2]);
  });

  it('the streaming accumulator is exact across batches', () => {
    const options = { activation: 'softmax', targetFormat: 'labels' } as const;
    const input = tf.tensor(problem.input, problem.inputShape);
    const target = tf.tensor(problem.target, problem.targetShape, 'int32');
    const whole = new TensorMetricAccumulator('dice', options).update(target, input);
    const first = new TensorMetricAccumulator('dice', options).update(target.slice(0, 2), input.slice(0, 2));
    const second = new TensorMetricAccumulator('dice', options).update(target.slice(2, 2), input.slice(2, 2));
    second.update(target.slice(4, 2), input.slice(4, 2));
    first.merge(second);
    const host = new MetricAccumulator('dice', { ...options, layout: 'channels-last' }).update(
      { shape: problem.inputShape, data: problem.input },
      { shape: problem.targetShape, data: problem.target },
    );
    expect(first.compute()).toEqual(whole.compute());
    expect(whole.compute()).toEqual(host.compute());
    expect(whole.size).toBe(6);
    tf.dispose([input, target]);
  });
});
