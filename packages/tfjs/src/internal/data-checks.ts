import { DiceKitError, type Geometry, type ResolvedCommonOptions } from '@dicekit/core';
import * as tf from '@tensorflow/tfjs-core';
import type { HostReader } from './host-reader.js';
import type { WorkingTensors } from './working-tensors.js';

/**
 * The data checks of SPEC.md section 7 as a handful of tf reductions queued on `reader` (downloaded
 * with the statistics, so no extra transfer). Finiteness is read from a sum: it is non-finite exactly
 * when some element is (float32 overflow aside, which needs values near 1e38). Returns the function
 * that throws the DiceKitError once the values are on the host. Call inside `tf.tidy`.
 */
export function queueDataChecks(
  reader: HostReader,
  options: ResolvedCommonOptions,
  geometry: Geometry,
  working: WorkingTensors,
): () => void {
  const input = working.input;
  const inputSlot = reader.add(tf.stack([tf.sum(input), tf.min(input), tf.max(input)]));
  let targetSlot = -1;
  let labelSlot = -1;
  if (working.labels === null) {
    const target = working.target;
    targetSlot = reader.add(tf.stack([tf.sum(target), tf.min(target), tf.max(target)]));
  } else {
    let labels: tf.Tensor = working.labels;
    const fractional = labels.dtype === 'float32' ? tf.max(tf.abs(tf.sub(labels, tf.round(labels)))) : tf.scalar(0);
    const finite = labels.dtype === 'float32' ? tf.sum(labels) : tf.scalar(0);
    if (options.ignoreIndex !== null) {
      labels = tf.where(tf.equal(labels, tf.scalar(options.ignoreIndex, labels.dtype)), tf.zerosLike(labels), labels);
    }
    labelSlot = reader.add(tf.stack([finite, fractional, tf.cast(tf.min(labels), 'float32'), tf.cast(tf.max(labels), 'float32')]));
  }
  const maskSlot = working.mask === null ? -1 : reader.add(tf.stack([tf.sum(tf.cast(working.mask, 'float32')), tf.cast(tf.min(working.mask), 'float32')]));

  return () => {
    const [inputSum, inputMin, inputMax] = reader.read(inputSlot) as unknown as [number, number, number];
    if (!Number.isFinite(inputSum)) throw new DiceKitError('E_NONFINITE', 'input holds NaN or Infinity');
    if (options.activation === 'none' && (inputMin < 0 || inputMax > 1)) {
      throw new DiceKitError(
        'E_VALUE',
        `input holds values in [${inputMin}, ${inputMax}] but activation is 'none', so input must be probabilities in [0, 1] (pass activation 'sigmoid' or 'softmax' for logits)`,
      );
    }
    if (targetSlot >= 0) {
      const [sum, minimum, maximum] = reader.read(targetSlot) as unknown as [number, number, number];
      if (!Number.isFinite(sum)) throw new DiceKitError('E_NONFINITE', 'target holds NaN or Infinity');
      if (minimum < 0 || maximum > 1) throw new DiceKitError('E_VALUE', `dense target holds values in [${minimum}, ${maximum}]; dense targets are in [0, 1]`);
    }
    if (labelSlot >= 0) {
      const [finite, fractional, minimum, maximum] = reader.read(labelSlot) as unknown as [number, number, number, number];
      if (!Number.isFinite(finite) || fractional !== 0) throw new DiceKitError('E_DTYPE', 'label-map target holds non-integer values');
      const upper = geometry.channels === 1 ? 2 : geometry.channels;
      if (minimum < 0 || maximum >= upper) {
        throw new DiceKitError(
          'E_LABEL',
          `label-map target holds labels in [${minimum}, ${maximum}], outside [0, ${upper})${
            geometry.channels === 1 ? ' (C = 1: a binary mask of 0 and 1)' : ` for C = ${geometry.channels}`
          }${options.ignoreIndex === null ? '' : ` (ignoreIndex ${options.ignoreIndex} excluded)`}`,
        );
      }
    }
    if (maskSlot >= 0) {
      const [sum, minimum] = reader.read(maskSlot) as unknown as [number, number];
      if (!Number.isFinite(sum)) throw new DiceKitError('E_NONFINITE', 'mask holds NaN or Infinity');
      if (minimum < 0) throw new DiceKitError('E_VALUE', `mask holds ${minimum}; mask weights are >= 0`);
    }
  };
}
