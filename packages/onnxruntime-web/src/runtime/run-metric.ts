import { createStatistics, prepareMetric, type MetricName, type MetricOptions, type PairStatistics, type PreparedMetric } from '@dicekit/core';
import { reductionPlanFor, variantKey } from '../graphs/graph-variant.js';
import { buildStatisticsGraph, type StatisticsVariant } from '../graphs/statistics-graph.js';
import { inputFeeds, inputVariantOf } from './input-variant.js';
import type { OrtTensor } from './ort-runtime.js';
import { checkDataFast } from './fast-data-check.js';
import { hostTensorOf } from './ort-tensors.js';
import type { SessionCache } from './session-cache.js';

/** Tensors of one metric evaluation: model outputs, targets, optional mask. */
export interface MetricTensors {
  readonly input: OrtTensor;
  readonly target: OrtTensor;
  readonly mask: OrtTensor | null;
}

/**
 * The binarised statistics `[N, C]` of SPEC.md section 6, computed by the statistics graph with the
 * binarisation (argmax one-hot or `act(x) >= threshold`) inside the graph. Host data checks through
 * core's `prepareMetric` unless the caller made them already.
 */
export async function runMetricStatistics(
  cache: SessionCache,
  metric: MetricName,
  options: Omit<MetricOptions, 'mask'>,
  tensors: MetricTensors,
  settings: { readonly checkData: boolean },
): Promise<{ statistics: PairStatistics; prepared: PreparedMetric }> {
  const { input, target, mask } = tensors;
  const hostInput = await hostTensorOf(input);
  const hostTarget = await hostTensorOf(target);
  const hostMask = mask === null ? undefined : await hostTensorOf(mask);
  const prepared = prepareMetric(metric, hostInput, hostTarget, { ...options, mask: hostMask }, { checkData: false });
  if (settings.checkData) checkDataFast(prepared.options, prepared.geometry, hostInput, hostTarget, hostMask ?? null);
  const { options: resolved, geometry } = prepared;
  const kind = { squared: false, absoluteDifference: false };
  const variant: StatisticsVariant = {
    ...inputVariantOf(resolved, geometry, input, target, mask),
    plan: reductionPlanFor(geometry.spatialShape),
    kind,
    binarize: { argmax: resolved.argmax, threshold: resolved.argmax ? 0 : resolved.threshold },
    compound: null,
  };
  const session = await cache.session(`metric:${variantKey(variant)}`, () => buildStatisticsGraph(variant));
  const outputs = await session.run(inputFeeds(input, target, mask));
  const statistics = createStatistics(geometry.batch, geometry.channels, kind);
  const names = { intersection: 'intersection', prediction: 'predictionSum', target: 'targetSum' } as const;
  for (const field of ['intersection', 'prediction', 'target'] as const) {
    const tensor = outputs[names[field]];
    if (tensor === undefined) throw new Error(`metric graph produced no '${names[field]}'`);
    statistics[field].set(tensor.data as Float64Array);
  }
  return { statistics, prepared };
}
