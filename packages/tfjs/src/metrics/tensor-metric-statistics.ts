import { prepareMetric, type MetricName, type MetricOptions, type PairStatistics, type PreparedMetric } from '@dicekit/core';
import * as tf from '@tensorflow/tfjs-core';
import { queueDataChecks } from '../internal/data-checks.js';
import { HostReader } from '../internal/host-reader.js';
import { shapeStandIn } from '../internal/shape-stand-in.js';
import { queueStatistics, readStatistics, type StatisticsSlots } from '../internal/tensor-statistics.js';
import { activate, channelAxis, channelShape, materialisedFloat, workingTensors } from '../internal/working-tensors.js';
import type { TensorSettings } from '../types.js';

const PLAIN = { squared: false, absoluteDifference: false } as const;

interface PendingMetric {
  readonly prepared: PreparedMetric;
  readonly reader: HostReader;
  readonly verify: (() => void) | null;
  readonly slots: StatisticsSlots;
}

function queueMetric(metric: MetricName, yTrue: tf.Tensor, yPred: tf.Tensor, options: Omit<MetricOptions, 'mask'> & TensorSettings): PendingMetric {
  const { mask, checkData, kernel: _kernel, ...rest } = options;
  const prepared = prepareMetric(
    metric,
    shapeStandIn(yPred.shape),
    shapeStandIn(yTrue.shape),
    { layout: 'channels-last', ...rest, ...(mask === undefined ? {} : { mask: shapeStandIn(mask.shape) }) },
    { checkData: false },
  );
  const { options: resolved, geometry } = prepared;
  const channelsFirst = geometry.layout === 'channels-first';
  const reader = new HostReader();
  let verify: (() => void) | null = null;
  let slots: StatisticsSlots | null = null;
  tf.tidy(() => {
    const working = workingTensors(resolved, geometry, yPred, yTrue, mask ?? null);
    let hard: tf.Tensor;
    if (resolved.argmax) {
      const axis = channelAxis(channelsFirst);
      const winner = tf.expandDims(tf.argMax(working.input, axis), axis);
      const channels = tf.reshape(tf.range(0, geometry.channels, 1, 'int32'), channelShape(1, geometry.channels, channelsFirst));
      hard = materialisedFloat(tf.equal(winner, channels));
    } else {
      const probabilities = activate(resolved.activation, working.input, channelsFirst);
      hard = materialisedFloat(tf.greaterEqual(probabilities, resolved.threshold));
    }
    verify = checkData === false ? null : queueDataChecks(reader, resolved, geometry, working);
    slots = queueStatistics(reader, PLAIN, hard, working.target, working.weight, channelsFirst);
    return [...reader.queued()];
  });
  if (slots === null) throw new Error('unreachable: the statistics were not queued');
  return { prepared, reader, verify, slots };
}

function finishMetric(pending: PendingMetric): { prepared: PreparedMetric; statistics: PairStatistics } {
  const { prepared, reader } = pending;
  pending.verify?.();
  const { geometry } = prepared;
  const statistics = readStatistics(reader, pending.slots, geometry.batch, geometry.channels, PLAIN, geometry.layout === 'channels-first');
  return { prepared, statistics };
}

/**
 * The binarised statistics `[N, C]` of SPEC.md section 6 computed with tf ops: argmax over channels
 * (first wins ties) or `act(yPred) >= threshold`, then `I, P, T` as chunked sums read back in float64.
 * `options.layout` defaults to `'channels-last'`. Returns core's prepared metric with the statistics,
 * ready for `metricFromStatistics` or a `MetricAccumulator`.
 */
export function tensorMetricStatistics(
  metric: MetricName,
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  options: Omit<MetricOptions, 'mask'> & TensorSettings = {},
): { prepared: PreparedMetric; statistics: PairStatistics } {
  const pending = queueMetric(metric, yTrue, yPred, options);
  try {
    pending.reader.download();
  } finally {
    tf.dispose([...pending.reader.queued()]);
  }
  return finishMetric(pending);
}

/** `tensorMetricStatistics` with an asynchronous read (`await data()`), for webgpu and non-blocking webgl. */
export async function tensorMetricStatisticsAsync(
  metric: MetricName,
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  options: Omit<MetricOptions, 'mask'> & TensorSettings = {},
): Promise<{ prepared: PreparedMetric; statistics: PairStatistics }> {
  const pending = queueMetric(metric, yTrue, yPred, options);
  try {
    await pending.reader.downloadAsync();
  } finally {
    tf.dispose([...pending.reader.queued()]);
  }
  return finishMetric(pending);
}
