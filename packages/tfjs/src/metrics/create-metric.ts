import { DiceKitError, metricFromStatistics, resolveMetricOptions, type MetricName, type MetricResult } from '@dicekit/core';
import type * as tf from '@tensorflow/tfjs-core';
import { scalar } from '@tensorflow/tfjs-core';
import type { MetricFunction, TensorMetricOptions } from '../types.js';
import { tensorMetricStatistics } from './tensor-metric-statistics.js';

/**
 * The full hard-metric result of SPEC.md section 6 (`scores` `[N, C']`, `mean`, `perClass`,
 * `counted`, precision, recall) for tf tensors, computed on the device and finished on the host.
 */
export function tensorMetric(
  metric: MetricName,
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  options: Omit<TensorMetricOptions, 'classIndex'> = {},
): MetricResult {
  const { prepared, statistics } = tensorMetricStatistics(metric, yTrue, yPred, options);
  return metricFromStatistics(prepared.options, prepared.classes, statistics);
}

/**
 * A Keras metric `(yTrue, yPred) => tf.Scalar` for `model.compile({ metrics })`: the mean of the
 * non-NaN pair scores, or with `classIndex` the score of that channel (mean over samples). With the
 * default `emptyPolicy: 'nan'`, a batch where every pair is empty reports NaN; pass
 * `emptyPolicy: 'one'` for progress bars. Its `name` (`dice`, `iou`, `dice_1`...) labels the logs.
 */
export function createMetric(metric: MetricName, options: TensorMetricOptions = {}): MetricFunction {
  const { classIndex, mask, checkData, ...rest } = options;
  const resolved = resolveMetricOptions(metric, { layout: 'channels-last', ...rest });
  if (classIndex !== undefined) {
    if (!Number.isInteger(classIndex) || classIndex < 0) {
      throw new DiceKitError('E_OPTION', `option 'classIndex' is ${String(classIndex)}; expected a channel index >= 0`);
    }
    if (resolved.classes !== null && !resolved.classes.includes(classIndex)) {
      throw new DiceKitError('E_OPTION', `option 'classIndex' ${classIndex} is not among 'classes' ${JSON.stringify(resolved.classes)}`);
    }
  }
  const metricFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => {
    const settings = { ...rest, ...(mask === undefined ? {} : { mask }), ...(checkData === undefined ? {} : { checkData }) };
    const { prepared, statistics } = tensorMetricStatistics(metric, yTrue, yPred, settings);
    const result = metricFromStatistics(prepared.options, prepared.classes, statistics);
    if (classIndex === undefined) return scalar(result.mean);
    const column = prepared.classes.indexOf(classIndex);
    if (column < 0) {
      throw new DiceKitError('E_OPTION', `option 'classIndex' ${classIndex} is not a scored class (check 'includeBackground', 'classes' and C)`);
    }
    return scalar(result.perClass.data[column] as number);
  };
  Object.defineProperty(metricFunction, 'name', { value: classIndex === undefined ? metric : `${metric}_${classIndex}` });
  Object.defineProperty(metricFunction, 'metric', { value: metric, enumerable: true });
  return metricFunction as MetricFunction;
}

