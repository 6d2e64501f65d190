import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { exportLossModels, exportMetricModel } from '../src/export/export-models.js';
import { decodeModel, type DecodedModel } from './support/decode-model.js';
import type { ExportSettings } from '../src/export/export-models.js';
import type { LossName, LossOptions } from '@dicekit/core';

ort.env.wasm.numThreads = 1;

function checkStructure(model: DecodedModel, inputs: string[], outputs: string[]): void {
  expect(Number(model.irVersion)).toBe(8);
  expect(model.opsetImport.map((opset) => [opset.domain ?? '', Number(opset.version)])).toEqual([['', 17]]);
  expect(model.graph.input.map((info) => info.name)).toEqual(inputs);
  expect(model.graph.output.map((info) => info.name)).toEqual(outputs);
  const read = new Set(model.graph.node.flatMap((node) => node.input));
  for (const initializer of model.graph.initializer) expect(read.has(initializer.name), `initializer ${initializer.name} is unused`).toBe(true);
  // Every value read is defined before: an input, an initializer or an earlier node's output.
  const defined = new Set([...model.graph.input.map((info) => info.name), ...model.graph.initializer.map((item) => item.name)]);
  for (const node of model.graph.node) {
    for (const input of node.input) expect(defined.has(input), `${node.opType} reads undefined ${input}`).toBe(true);
    for (const output of node.output) defined.add(output);
  }
  for (const output of outputs) expect(defined.has(output)).toBe(true);
}

const cases: Array<{ loss: LossName; options: Omit<LossOptions, 'mask'>; settings: ExportSettings; statistics: string[]; gradient: string[] }> = [
  {
    loss: 'dice',
    options: { activation: 'softmax', targetFormat: 'labels', ignoreIndex: 255 },
    settings: { spatialRank: 3, targetType: 'uint8' },
    statistics: ['intersection', 'predictionSum', 'targetSum'],
    gradient: ['constantCoefficient', 'targetCoefficient'],
  },
  {
    loss: 'jaccard',
    options: { activation: 'sigmoid', squared: true },
    settings: { spatialRank: 2, mask: true, plan: { kind: 'trailing', axes: 1 } },
    statistics: ['intersection', 'predictionSum', 'targetSum'],
    gradient: ['targetCoefficient', 'predictionCoefficient'],
  },
  {
    loss: 'tversky',
    options: { softLabel: true, layout: 'channels-last', alpha: 0.3, beta: 0.7 },
    settings: { spatialRank: 1, predictionType: 'float16', targetType: 'float16' },
    statistics: ['intersection', 'predictionSum', 'targetSum', 'absoluteDifference'],
    gradient: ['constantCoefficient', 'signCoefficient'],
  },
  {
    loss: 'diceFocal',
    options: { activation: 'softmax', targetFormat: 'labels', focalAlpha: [0.2, 0.3, 0.5], classWeights: [1, 2, 3] },
    settings: { spatialRank: 2, targetType: 'int64', mask: true },
    statistics: ['intersection', 'predictionSum', 'targetSum', 'compoundLoss', 'compoundWeight'],
    gradient: ['constantCoefficient', 'targetCoefficient', 'compoundScale'],
  },
  {
    loss: 'diceCE',
    options: { activation: 'sigmoid' },
    settings: { spatialRank: 3 },
    statistics: ['intersection', 'predictionSum', 'targetSum', 'compoundLoss'],
    gradient: ['constantCoefficient', 'targetCoefficient', 'compoundScale'],
  },
];

describe('emitted models', () => {
  for (const testCase of cases) {
    it(`${testCase.loss} ${JSON.stringify(testCase.options)}: structure, and they load in onnxruntime-web`, async () => {
      const models = exportLossModels(testCase.loss, testCase.options, testCase.settings);
      const dataInputs = ['input', 'target', ...(testCase.settings.mask === true ? ['mask'] : [])];
      checkStructure(decodeModel(models.statistics), dataInputs, testCase.statistics);
      checkStructure(decodeModel(models.gradient), [...dataInputs, ...testCase.gradient], ['gradient']);
      checkStructure(decodeModel(models.loss), dataInputs, [...testCase.statistics, 'loss', 'lossMatrix']);
      const whole = await ort.InferenceSession.create(models.loss);
      await whole.release();
      const statistics = await ort.InferenceSession.create(models.statistics);
      expect(statistics.outputNames).toEqual(testCase.statistics);
      const gradient = await ort.InferenceSession.create(models.gradient);
      expect(gradient.inputNames).toEqual([...dataInputs, ...testCase.gradient]);
      await statistics.release();
      await gradient.release();
    });
  }

  it('declares symbolic batch, channel and spatial dims and the dtypes asked for', () => {
    const model = decodeModel(exportLossModels('dice', { layout: 'channels-last' }, { spatialRank: 3, predictionType: 'float16' }).statistics);
    const input = model.graph.input[0]!;
    expect(input.type.tensorType.elemType).toBe(10);
    expect(input.type.tensorType.shape!.dim.map((dim) => dim.dimParam)).toEqual(['N', 'D1', 'D2', 'D3', 'C']);
    expect(model.graph.output[0]!.type.tensorType.elemType).toBe(11);
  });

  it('the metric model binarises inside the graph (first maximum over channels) and loads', async () => {
    const bytes = exportMetricModel('iou', { activation: 'softmax', targetFormat: 'labels' }, { spatialRank: 2, targetType: 'int32' });
    const model = decodeModel(bytes);
    checkStructure(model, ['input', 'target'], ['intersection', 'predictionSum', 'targetSum']);
    expect(model.graph.node.some((node) => node.opType === 'CumSum')).toBe(true);
    const session = await ort.InferenceSession.create(bytes);
    await session.release();
  });
});

describe('the exported whole-loss model, run as any onnxruntime would run it', () => {
  it('tversky with a mask, softmax, labels: its loss, lossMatrix and gradient outputs equal core', async () => {
    const { computeLoss } = await import('@dicekit/core');
    const options = { activation: 'softmax', targetFormat: 'labels', alpha: 0.3, beta: 0.7, reduction: 'none', includeBackground: false } as const;
    const bytes = exportLossModels('tversky', options, { spatialRank: 2, targetType: 'int64', mask: true, gradient: true }).loss;
    const model = decodeModel(bytes);
    checkStructure(model, ['input', 'target', 'mask'], ['intersection', 'predictionSum', 'targetSum', 'loss', 'lossMatrix', 'gradient']);
    const shape = [2, 3, 5, 4];
    const logits = Float32Array.from({ length: 120 }, (_, index) => Math.sin(index * 1.7) * 3);
    const labels = BigInt64Array.from({ length: 40 }, (_, index) => BigInt((index * 7) % 3));
    const mask = Float32Array.from({ length: 40 }, (_, index) => (index % 5) / 4);
    const session = await ort.InferenceSession.create(bytes);
    const outputs = await session.run({
      input: new ort.Tensor('float32', logits, shape),
      target: new ort.Tensor('int64', labels, [2, 5, 4]),
      mask: new ort.Tensor('float32', mask, [2, 5, 4]),
    });
    const reference = computeLoss('tversky', { shape, data: logits }, { shape: [2, 5, 4], data: labels }, { ...options, mask: { shape: [2, 5, 4], data: mask } }, { gradient: true });
    const gradient = outputs.gradient!.data as Float32Array;
    reference.gradient!.data.forEach((expected, index) => expect(Math.abs((gradient[index] as number) - expected)).toBeLessThan(1e-4 * Math.abs(expected) + 1e-6));
    expect(outputs.loss!.dims).toEqual([2, 2]);
    const actual = Array.from(outputs.loss!.data as Float64Array);
    reference.loss.data.forEach((expected, index) => expect(Math.abs((actual[index] as number) - expected)).toBeLessThan(1e-6 * Math.abs(expected) + 1e-7));
    await session.release();
  });
});
