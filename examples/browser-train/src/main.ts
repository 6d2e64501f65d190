import * as tf from '@tensorflow/tfjs';
import { generateSegmentationSet } from './data/synthetic-segmentation.js';
import { createLoss, isLossKey, type LossKey } from './losses.js';
import { createUNet } from './model/unet.js';
import { drawLossCurve } from './view/loss-curve.js';
import { drawMaskOverlay } from './view/mask-overlay.js';

/** What the page exposes on `window.dicekitTraining`, for people in the console and for tests. */
export interface TrainingState {
  backend: string;
  loss: LossKey;
  /** Training loss of each step so far. */
  losses: number[];
  running: boolean;
  done: boolean;
  error: string | null;
}

declare global {
  interface Window {
    dicekitTraining: TrainingState;
  }
}

const SIZE = 64;
/** Images per step; `?batch=N` overrides it (the browser test uses a small batch to stay fast). */
const DEFAULT_BATCH = 8;
const SHOWN = 4;

const element = <Type extends HTMLElement>(id: string) => {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`missing #${id}`);
  return found as Type;
};
const lossSelect = element<HTMLSelectElement>('loss');
const stepsInput = element<HTMLInputElement>('steps');
const startButton = element<HTMLButtonElement>('start');
const status = element<HTMLSpanElement>('status');
const curve = element<HTMLCanvasElement>('curve');
const overlay = element<HTMLCanvasElement>('overlay');

window.dicekitTraining = { backend: 'none', loss: 'dice', losses: [], running: false, done: false, error: null };

// The same seeded data on every page load: 128 training and SHOWN validation images.
const train = generateSegmentationSet({ count: 128, seed: 7 });
const validation = generateSegmentationSet({ count: SHOWN, seed: 7 + 1_000_003 });

function drawPredictions(logits: Float32Array | null): void {
  const context = overlay.getContext('2d');
  if (context === null) return;
  context.fillStyle = '#fff';
  context.fillRect(0, 0, overlay.width, overlay.height);
  const scale = 2;
  const gap = 8;
  const pixels = SIZE * SIZE;
  drawMaskOverlay(context, validation.images, SIZE, SHOWN, (image, pixel, channel) => (validation.targets[(image * pixels + pixel) * 2 + channel] as number) > 0.5, 8, 8, scale, gap);
  if (logits !== null) {
    drawMaskOverlay(context, validation.images, SIZE, SHOWN, (image, pixel, channel) => (logits[(image * pixels + pixel) * 2 + channel] as number) >= 0, 8, 8 + SIZE * scale + gap, scale, gap);
  }
}

async function runTraining(loss: LossKey, steps: number, batch: number): Promise<void> {
  const state = window.dicekitTraining;
  Object.assign(state, { loss, losses: [], running: true, done: false, error: null });
  startButton.disabled = true;
  const model = createUNet({ size: SIZE, outputChannels: 2, seed: 7 });
  const optimizer = tf.train.adam(3e-3);
  const lossFunction = createLoss(loss);
  const pixels = SIZE * SIZE;
  const validationImages = tf.tensor4d(validation.images, [SHOWN, SIZE, SIZE, 1]);
  let next = 0;
  try {
    for (let step = 0; step < steps; step++) {
      const indices = Array.from({ length: batch }, (_, slot) => (next + slot) % train.count);
      next = (next + batch) % train.count;
      const images = new Float32Array(batch * pixels);
      const targets = new Float32Array(batch * pixels * 2);
      indices.forEach((image, slot) => {
        images.set(train.images.subarray(image * pixels, (image + 1) * pixels), slot * pixels);
        targets.set(train.targets.subarray(image * pixels * 2, (image + 1) * pixels * 2), slot * pixels * 2);
      });
      const value = tf.tidy(() => {
        const x = tf.tensor4d(images, [batch, SIZE, SIZE, 1]);
        const y = tf.tensor4d(targets, [batch, SIZE, SIZE, 2]);
        return optimizer.minimize(() => lossFunction(y, model.apply(x) as tf.Tensor), true) as tf.Scalar;
      });
      const lossValue = (await value.data())[0] as number;
      value.dispose();
      state.losses.push(lossValue);
      status.textContent = `${state.backend}: step ${step + 1}/${steps}, loss ${lossValue.toFixed(4)}`;
      drawLossCurve(curve, state.losses);
      if ((step + 1) % 5 === 0 || step + 1 === steps) {
        const logits = tf.tidy(() => model.predict(validationImages) as tf.Tensor);
        drawPredictions((await logits.data()) as Float32Array);
        logits.dispose();
      }
      await tf.nextFrame();
    }
    state.done = true;
  } catch (error) {
    state.error = error instanceof Error ? error.message : String(error);
    status.textContent = `error: ${state.error}`;
  } finally {
    validationImages.dispose();
    model.dispose();
    optimizer.dispose();
    state.running = false;
    startButton.disabled = false;
  }
}

async function start(): Promise<void> {
  // webgl is the goal; fall back to the CPU backend where WebGL is unavailable, and say so.
  const backend = (await tf.setBackend('webgl').catch(() => false)) ? 'webgl' : (await tf.setBackend('cpu')) ? 'cpu' : 'none';
  await tf.ready();
  window.dicekitTraining.backend = backend;
  status.textContent = `backend ${backend}: ready`;
  drawPredictions(null);
  drawLossCurve(curve, []);
  const parameters = new URLSearchParams(location.search);
  const requested = parameters.get('loss');
  if (isLossKey(requested)) lossSelect.value = requested;
  const steps = Number(parameters.get('steps'));
  if (Number.isInteger(steps) && steps > 0) stepsInput.value = String(steps);
  const requestedBatch = Number(parameters.get('batch'));
  const batch = Number.isInteger(requestedBatch) && requestedBatch > 0 ? requestedBatch : DEFAULT_BATCH;
  startButton.addEventListener('click', () => {
    void runTraining(lossSelect.value as LossKey, Math.max(1, Number(stepsInput.value) || 1), batch);
  });
  if (parameters.has('autostart')) startButton.click();
}

void start().catch((error: unknown) => {
  window.dicekitTraining.error = error instanceof Error ? error.message : String(error);
  status.textContent = `error: ${window.dicekitTraining.error}`;
});
