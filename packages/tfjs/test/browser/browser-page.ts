// Bundled by esbuild for the headless-Chromium test: runs the golden cases and one training step
// on the webgl or webgpu backend through the package's public code path.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { parseCaseDocument, runCase } from '@dicekit/conformance';
import { createConformanceBackend } from '../../src/conformance-backend.js';
import { diceCELoss, diceLoss, diceMetric, lossValueAndGradient } from '../../src/index.js';

interface BrowserSummary {
  backend: string;
  passed: number;
  failed: number;
  skipped: number;
  failures: string[];
  trainingLosses: number[];
  customLoopLoss: number;
  leakedTensors: number;
  trainingError: string | null;
}

/**
 * webgpu: one custom-loop step with the asynchronous entry point (a synchronous read on webgpu in
 * headless Chromium on SwiftShader returns zeros and loses the device): `lossValueAndGradient` on the
 * model output, then the surrogate `Σ yPred · g` through the model.
 */
async function asynchronousTrainingStep(summary: BrowserSummary): Promise<void> {
  const x = tf.randomNormal([2, 8, 8, 2], 0, 1, 'float32', 1);
  // An int32 label map with softmax and the device-side data checks: the programs that tfjs-backend-webgpu
  // 4.22 got wrong before `materialisedFloat` (tensorflow/tfjs#8638).
  const labels = tf.randomUniformInt([2, 8, 8], 0, 3, 4);
  const weights = tf.variable(tf.randomNormal([2, 3], 0, 0.5, 'float32', 3));
  const loss = diceCELoss({ activation: 'softmax', targetFormat: 'labels' });
  const optimizer = tf.train.sgd(0.1);
  const forward = () => tf.reshape(tf.matMul(tf.reshape(x, [-1, 2]), weights), [2, 8, 8, 3]);
  for (let step = 0; step < 3; step++) {
    const output = forward();
    const { value, gradient } = await lossValueAndGradient(loss, labels, output);
    summary.trainingLosses.push((await value.data())[0] as number);
    tf.dispose(optimizer.minimize(() => tf.sum(tf.mul(forward(), gradient)) as tf.Scalar) ?? []);
    tf.dispose([output, value, gradient]);
  }
  summary.customLoopLoss = summary.trainingLosses[summary.trainingLosses.length - 1] ?? Number.NaN;
  // The loss's own balance: value-and-gradient calls, disposed, leave the tensor count unchanged.
  const output = forward();
  const start = tf.memory().numTensors;
  for (let step = 0; step < 5; step++) {
    const { value, gradient } = await lossValueAndGradient(loss, labels, output);
    tf.dispose([value, gradient]);
  }
  summary.leakedTensors = tf.memory().numTensors - start;
  output.dispose();
  tf.dispose([x, labels, weights]);
  optimizer.dispose();
}

/** One model.fit step and one custom-loop step on the current backend (tf-op path, customGrad). */
async function trainingStep(summary: BrowserSummary): Promise<void> {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [8, 8, 2], units: 3 }));
  const adam = tf.train.adam(0.01);
  model.compile({ optimizer: adam, loss: diceCELoss({ activation: 'softmax' }), metrics: [diceMetric({ activation: 'softmax', emptyPolicy: 'one' })] });
  const x = tf.randomNormal([2, 8, 8, 2], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.randomUniformInt([2, 8, 8], 0, 3, 2), 3).toFloat();
  const history = await model.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0 });
  summary.trainingLosses = history.history.loss as number[];
  const weights = tf.variable(tf.randomNormal([2, 3], 0, 0.5, 'float32', 3));
  const labels = tf.randomUniformInt([2, 8, 8], 0, 3, 4);
  const loss = diceLoss({ activation: 'softmax', targetFormat: 'labels' });
  const optimizer = tf.train.sgd(0.1);
  const objective = () => loss(labels, tf.reshape(tf.matMul(tf.reshape(x, [-1, 2]), weights), [2, 8, 8, 3])) as tf.Scalar;
  const value = optimizer.minimize(objective, true);
  summary.customLoopLoss = (await value?.data())?.[0] ?? Number.NaN;
  tf.dispose(value ?? []);
  // Our loss's own balance: ten value-and-gradient calls leave the tensor count unchanged.
  const before = tf.memory().numTensors;
  for (let step = 0; step < 10; step++) {
    const { value: stepValue, grads } = tf.variableGrads(objective);
    tf.dispose([stepValue, ...Object.values(grads)]);
  }
  summary.leakedTensors = tf.memory().numTensors - before;
  tf.dispose([x, y, labels, weights]);
  model.dispose();
  optimizer.dispose();
  adam.dispose();
}

async function runDicekit(backendName: 'tfjs-webgl' | 'tfjs-webgpu', documents: Array<{ name: string; text: string }>): Promise<BrowserSummary> {
  const backend = await createConformanceBackend(backendName);
  const summary: BrowserSummary = { backend: tf.getBackend(), passed: 0, failed: 0, skipped: 0, failures: [], trainingLosses: [], customLoopLoss: Number.NaN, leakedTensors: 0, trainingError: null };
  for (const document of documents) {
    for (const testCase of parseCaseDocument(JSON.parse(document.text), document.name)) {
      let outcome: Awaited<ReturnType<typeof runCase>>;
      try {
        outcome = await runCase(backend, testCase);
      } catch (error) {
        summary.failed++;
        summary.failures.push(`${testCase.id}: threw ${String(error)} (tensors ${tf.memory().numTensors}, bytes ${tf.memory().numBytes})`);
        continue;
      }
      if (outcome.status === 'passed') summary.passed++;
      else if (outcome.status === 'skipped') summary.skipped++;
      else {
        summary.failed++;
        summary.failures.push(`${testCase.id}: ${outcome.reason}`);
      }
    }
  }
  try {
    if (tf.getBackend() === 'webgpu') await asynchronousTrainingStep(summary);
    else await trainingStep(summary);
  } catch (error) {
    summary.trainingError = `${String(error)} (tensors ${tf.memory().numTensors})`;
  }
  return summary;
}

(globalThis as unknown as { runDicekit: typeof runDicekit }).runDicekit = runDicekit;
(globalThis as unknown as { dicekitReady: boolean }).dicekitReady = true;
