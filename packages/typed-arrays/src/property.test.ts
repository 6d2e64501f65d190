import * as core from '@dicekit/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeLoss, computeMetric, createMetricAccumulator, kernelMemory, setKernelThreads } from './index.js';
import { parallelThreshold } from './threads/kernel-threads.js';

// The float64 reference (core) is the oracle: the kernels must agree with it on random problems, or
// both must refuse the problem with the same error code.

type Labels = 'uint8' | 'uint16' | 'int32' | 'bigint64';

interface Problem {
  readonly input: core.TensorLike;
  readonly target: core.TensorLike;
  readonly mask: core.TensorLike | undefined;
  readonly channels: number;
  readonly batch: number;
}

const problemSettings = fc.record({
  batch: fc.integer({ min: 1, max: 3 }),
  channels: fc.integer({ min: 1, max: 4 }),
  spatial: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }),
  layout: fc.constantFrom<core.Layout>('channels-first', 'channels-last'),
  activation: fc.constantFrom<core.Activation>('none', 'sigmoid', 'softmax'),
  targetFormat: fc.constantFrom<core.TargetFormat>('dense', 'labels'),
  inputType: fc.constantFrom('float32', 'float64'),
  labelType: fc.constantFrom<Labels>('uint8', 'uint16', 'int32', 'bigint64'),
  useIgnore: fc.boolean(),
  maskType: fc.constantFrom('none', 'float64', 'float32', 'uint8'),
  hardTarget: fc.boolean(),
  denseType: fc.constantFrom('float32', 'float64', 'uint8'),
  kernel: fc.constantFrom<'auto' | 'javascript'>('auto', 'javascript'),
  extremeLogits: fc.boolean(),
  // Arrays copied into kernel memory first (read in place, split over two threads).
  inKernelMemory: fc.boolean(),
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
});

type Settings = typeof problemSettings extends fc.Arbitrary<infer T> ? T : never;

const random = core.mulberry32;

function ignoreLabel(settings: Settings): number {
  return settings.labelType === 'uint8' ? 255 : settings.labelType === 'uint16' ? 65535 : -1;
}

function buildProblem(settings: Settings): Problem {
  const next = random(settings.seed);
  const { batch, channels, spatial, layout } = settings;
  const voxels = spatial.reduce((a, b) => a * b, 1);
  const shape = layout === 'channels-first' ? [batch, channels, ...spatial] : [batch, ...spatial, channels];
  const size = batch * channels * voxels;
  const inputValues = Array.from({ length: size }, () => {
    if (settings.activation === 'none') return next();
    const scale = settings.extremeLogits && next() < 0.2 ? 60 : 6;
    return (next() * 2 - 1) * scale;
  });
  const input = { shape, data: settings.inputType === 'float32' ? Float32Array.from(inputValues) : Float64Array.from(inputValues) };
  let target: core.TensorLike;
  if (settings.targetFormat === 'labels') {
    const upper = channels === 1 ? 2 : channels;
    const labels = Array.from({ length: batch * voxels }, () => {
      if (settings.useIgnore && next() < 0.15) return ignoreLabel(settings);
      return Math.floor(next() * upper);
    });
    const data =
      settings.labelType === 'uint8'
        ? Uint8Array.from(labels)
        : settings.labelType === 'uint16'
          ? Uint16Array.from(labels)
          : settings.labelType === 'int32'
            ? Int32Array.from(labels)
            : BigInt64Array.from(labels.map((label) => BigInt(label)));
    target = { shape: [batch, ...spatial], data };
  } else {
    const hard = settings.hardTarget || settings.denseType === 'uint8';
    const values = Array.from({ length: size }, () => (hard ? (next() < 0.4 ? 1 : 0) : next()));
    const data = settings.denseType === 'float32' ? Float32Array.from(values) : settings.denseType === 'uint8' ? Uint8Array.from(values) : Float64Array.from(values);
    target = { shape, data };
  }
  let mask: core.TensorLike | undefined;
  if (settings.maskType !== 'none') {
    const values = Array.from({ length: batch * voxels }, () => (next() < 0.2 ? 0 : settings.maskType === 'uint8' ? 1 : next() * 2));
    const data = settings.maskType === 'float32' ? Float32Array.from(values) : settings.maskType === 'uint8' ? Uint8Array.from(values) : Float64Array.from(values);
    const maskShape = layout === 'channels-first' ? [batch, 1, ...spatial] : [batch, ...spatial, 1];
    mask = { shape: next() < 0.5 ? maskShape : [batch, ...spatial], data };
  }
  return { input, target, mask, channels, batch };
}

const lossOptions = fc.record(
  {
    reduction: fc.constantFrom<core.Reduction>('mean', 'sum', 'none'),
    batchDice: fc.boolean(),
    includeBackground: fc.boolean(),
    squared: fc.boolean(),
    softLabel: fc.boolean(),
    logLoss: fc.boolean(),
    smoothNumerator: fc.constantFrom(0, 1e-5, 1),
    smoothDenominator: fc.constantFrom(0, 1e-5, 1),
    eps: fc.constantFrom(0, 1e-7),
    absentClasses: fc.constantFrom<core.AbsentClasses>('keep', 'zero'),
    alpha: fc.constantFrom(0.3, 0.5, 0.7),
    beta: fc.constantFrom(0.3, 0.5, 0.7),
    gamma: fc.constantFrom(0.75, 1, 2),
    weightType: fc.constantFrom<core.WeightType>('square', 'simple', 'uniform'),
    lambdaDice: fc.constantFrom(0.5, 1),
    lambdaCE: fc.constantFrom(1, 2),
    lambdaFocal: fc.constantFrom(1, 0.5),
    focalGamma: fc.constantFrom(0, 0.5, 2),
    useClassWeights: fc.boolean(),
    useFocalAlpha: fc.boolean(),
  },
  { requiredKeys: ['reduction'] },
);

type RawLossOptions = typeof lossOptions extends fc.Arbitrary<infer T> ? T : never;

/** Keeps only the options the loss accepts, so most draws are valid problems. */
function optionsFor(loss: core.LossName, raw: RawLossOptions, settings: Settings, problem: Problem): core.LossOptions {
  const own = new Set<string>(core.LOSS_OWN_OPTION_NAMES[loss] as readonly string[]);
  const compound = loss === 'diceCE' || loss === 'diceFocal';
  // Steer most draws to valid problems (inputs drawn as probabilities are fine logits too).
  let activation = settings.activation;
  if (compound && activation === 'none') activation = 'sigmoid';
  if (activation === 'softmax' && problem.channels === 1) activation = 'sigmoid';
  const options: Record<string, unknown> = {
    activation,
    layout: settings.layout,
    targetFormat: settings.targetFormat,
    reduction: compound && raw.reduction === 'none' ? 'mean' : raw.reduction,
  };
  if (settings.targetFormat === 'labels' && settings.useIgnore) options.ignoreIndex = ignoreLabel(settings);
  if (problem.mask !== undefined) options.mask = problem.mask;
  for (const name of ['batchDice', 'includeBackground', 'smoothNumerator', 'smoothDenominator', 'eps'] as const) {
    if (raw[name] !== undefined) options[name] = raw[name];
  }
  if (problem.channels === 1) delete options.includeBackground;
  for (const name of ['squared', 'softLabel', 'logLoss', 'absentClasses', 'alpha', 'beta', 'gamma', 'weightType', 'lambdaDice', 'lambdaCE', 'lambdaFocal', 'focalGamma'] as const) {
    if (raw[name] !== undefined && own.has(name)) options[name] = raw[name];
  }
  if (raw.useClassWeights === true && own.has('classWeights')) {
    options.classWeights = Array.from({ length: problem.channels }, (_, channel) => 0.5 + channel * 0.25);
  }
  if (raw.useFocalAlpha === true && own.has('focalAlpha')) {
    options.focalAlpha = activation === 'softmax' ? Array.from({ length: problem.channels }, (_, channel) => 0.2 + 0.1 * channel) : 0.25;
  }
  return options as core.LossOptions;
}

function outcome<T>(run: () => T): { value: T } | { code: string } {
  try {
    return { value: run() };
  } catch (error) {
    if (core.isDiceKitError(error)) return { code: error.code };
    throw error;
  }
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol: number, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let index = 0; index < expected.length; index++) {
    const a = actual[index] as number;
    const e = expected[index] as number;
    if (Number.isNaN(e)) {
      expect(Number.isNaN(a), `${what}[${index}]`).toBe(true);
      continue;
    }
    expect(Math.abs(a - e), `${what}[${index}]: ${a} vs ${e}`).toBeLessThanOrEqual(atol + rtol * Math.abs(e));
  }
}

function copyOf(tensor: core.TensorLike | undefined): unknown[] {
  return tensor === undefined ? [] : Array.from(tensor.data as ArrayLike<number>, (value) => value);
}

/** Copies of the float32 / uint8 / int32 arrays of `tensor` in kernel memory (others stay as they are). */
function placed(tensor: core.TensorLike, owned: ArrayBufferView[]): core.TensorLike {
  const memory = kernelMemory();
  const data = tensor.data;
  let copy: Float32Array | Uint8Array | Int32Array | null = null;
  if (data instanceof Float32Array) copy = memory.float32(data.length);
  else if (data instanceof Uint8Array) copy = memory.uint8(data.length);
  else if (data instanceof Int32Array) copy = memory.int32(data.length);
  if (copy === null) return tensor;
  copy.set(data as ArrayLike<number>);
  owned.push(copy);
  return { shape: tensor.shape, data: copy };
}

const threshold = parallelThreshold.elements;
beforeAll(() => {
  setKernelThreads(2);
  parallelThreshold.elements = 0;
});
afterAll(() => {
  setKernelThreads(1);
  parallelThreshold.elements = threshold;
});

describe('typed-arrays agrees with core (float64 reference) on random problems', () => {
  it('losses and gradients, every layout, dtype and option family', () => {
    let computed = 0;
    let refused = 0;
    fc.assert(
      fc.property(
        fc.constantFrom<core.LossName>(...core.LOSS_NAMES),
        problemSettings,
        lossOptions,
        fc.boolean(),
        (loss, settings, raw, float64Buffer) => {
          const problem = buildProblem(settings);
          const options = optionsFor(loss, raw, settings, problem);
          const before = [copyOf(problem.input), copyOf(problem.target), copyOf(problem.mask)];
          const expected = outcome(() => core.computeLoss(loss, problem.input, problem.target, options, { gradient: true }));
          const owned: ArrayBufferView[] = [];
          const input = settings.inKernelMemory ? placed(problem.input, owned) : problem.input;
          const target = settings.inKernelMemory ? placed(problem.target, owned) : problem.target;
          const buffer = float64Buffer ? new Float64Array(problem.input.data.length) : settings.inKernelMemory ? kernelMemory().float32(problem.input.data.length) : true;
          if (buffer instanceof Float32Array) owned.push(buffer);
          let actual: ReturnType<typeof outcome<ReturnType<typeof computeLoss>>>;
          try {
            actual = outcome(() => computeLoss(loss, input, target, options, { gradient: buffer, kernel: settings.kernel }));
            expect([copyOf(problem.input), copyOf(problem.target), copyOf(problem.mask)]).toEqual(before);
            expect([copyOf(input), copyOf(target)]).toEqual(before.slice(0, 2));
            // The kernel-memory gradient buffer is freed below: keep a copy.
            if (buffer instanceof Float32Array && 'value' in actual && actual.value.gradient !== null) actual = { value: { ...actual.value, gradient: { ...actual.value.gradient, data: actual.value.gradient.data.slice() } } };
          } finally {
            for (const array of owned) kernelMemory().free(array);
          }
          if ('code' in expected) {
            refused++;
            expect(actual).toEqual(expected);
            return;
          }
          computed++;
          if (!('value' in actual)) throw new Error(`typed-arrays threw ${actual.code}; core returned a value`);
          expect(actual.value.loss.shape).toEqual(expected.value.loss.shape);
          // The SIMD kernels evaluate sigmoid and softmax exponentials in float32 (about one float32 ulp
          // each) for float32 input with a float32 gradient: float32's resolution, not float64's, then.
          const simdExponential = settings.kernel === 'auto' && settings.inputType === 'float32' && !float64Buffer && settings.activation !== 'none';
          // (Kernel memory changes nothing here: its bits are the copying path's, see zero-copy.test.ts.)
          expectClose(actual.value.loss.data, expected.value.loss.data, simdExponential ? 2e-7 : 1e-9, simdExponential ? 1e-7 : 1e-12, 'loss');
          const gradient = actual.value.gradient;
          expect(gradient).not.toBeNull();
          if (gradient === null || expected.value.gradient === null) return;
          // A float32 gradient buffer rounds each element once.
          const float32 = gradient.data instanceof Float32Array;
          // With float32 exponentials, an element where g_c - Σ g_j p_j (softmax) or constant + slope·t nearly
          // cancels carries the error of the voxel's largest term: a floor of 1e-6 of the largest gradient.
          const largest = Array.from(expected.value.gradient.data).reduce((a, b) => Math.max(a, Math.abs(b)), 0);
          // Float64 arithmetic (the JavaScript fastExp against Math.exp: ~2e-15 relative) leaves a few
          // 1e-15 of the largest element where an element cancels, before the float32 rounding.
          const floor = simdExponential ? 1e-6 * largest : float32 ? Math.max(1e-30, 1e-14 * largest) : 1e-12;
          expectClose(gradient.data, expected.value.gradient.data, simdExponential ? 3e-7 : float32 ? 2e-7 : 1e-9, floor, 'gradient');
          if (buffer instanceof Float64Array) expect(gradient.data).toBe(buffer);
        },
      ),
      { numRuns: 600, seed: 20261126 },
    );
    // Most draws must be valid problems, or the property would test little beyond option checks.
    expect(computed).toBeGreaterThan(2 * refused);
  });

  it('hard metrics', () => {
    let computed = 0;
    fc.assert(
      fc.property(
        fc.constantFrom<core.MetricName>('dice', 'iou'),
        problemSettings,
        fc.record({
          argmax: fc.option(fc.boolean(), { nil: undefined }),
          threshold: fc.constantFrom(0.5, 0.3, 0.9),
          emptyPolicy: fc.constantFrom<core.EmptyPolicy>('nan', 'one', 'zero'),
          batchDice: fc.boolean(),
          includeBackground: fc.boolean(),
        }),
        (metric, settings, raw) => {
          const problem = buildProblem(settings);
          const options: core.MetricOptions = {
            ...raw,
            activation: settings.activation,
            layout: settings.layout,
            targetFormat: settings.targetFormat,
            ...(problem.mask === undefined ? {} : { mask: problem.mask }),
            ...(settings.targetFormat === 'labels' && settings.useIgnore ? { ignoreIndex: ignoreLabel(settings) } : {}),
          };
          const expected = outcome(() => core.computeMetric(metric, problem.input, problem.target, options));
          const actual = outcome(() => computeMetric(metric, problem.input, problem.target, options));
          if ('code' in expected) {
            expect(actual).toEqual(expected);
            return;
          }
          computed++;
          if (!('value' in actual)) throw new Error(`typed-arrays threw ${actual.code}; core returned a value`);
          expectClose(actual.value.scores.data, expected.value.scores.data, 1e-12, 0, 'scores');
          expectClose(actual.value.perClass.data, expected.value.perClass.data, 1e-12, 0, 'perClass');
          expectClose([actual.value.mean], [expected.value.mean], 1e-12, 0, 'mean');
          expect(actual.value.counted).toBe(expected.value.counted);
        },
      ),
      { numRuns: 400, seed: 7 },
    );
    expect(computed).toBeGreaterThan(200);
  });
});
