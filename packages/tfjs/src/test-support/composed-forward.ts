import * as tf from '@tensorflow/tfjs-core';

/** Options of the composed (autodiff) reference: the plain Dice family, all classes. */
export interface ComposedOptions {
  readonly loss: 'dice' | 'jaccard' | 'tversky';
  readonly activation: 'none' | 'sigmoid' | 'softmax';
  readonly layout: 'channels-first' | 'channels-last';
  readonly reduction?: 'mean' | 'sum';
  readonly squared?: boolean;
  readonly alpha?: number;
  readonly beta?: number;
  readonly gamma?: number;
  readonly smooth?: number;
}

/**
 * The same Dice-family forward written as plain tf ops, for tfjs autodiff to differentiate (the
 * reference the customGrad path is tested and benchmarked against). `target` is dense, in the
 * input's layout; `mask` is `[N, ...spatial]` or null. Smoothing 1e-5 on both sides, eps 0.
 */
export function composedLoss(options: ComposedOptions, input: tf.Tensor, target: tf.Tensor, mask: tf.Tensor | null): tf.Scalar {
  return tf.tidy(() => {
    const channelsFirst = options.layout === 'channels-first';
    const rank = input.rank;
    const channelAxis = channelsFirst ? 1 : rank - 1;
    let p: tf.Tensor;
    if (options.activation === 'sigmoid') p = tf.sigmoid(input);
    else if (options.activation === 'softmax') {
      p = channelsFirst ? tf.exp(tf.sub(input, tf.logSumExp(input, 1, true))) : tf.softmax(input);
    } else p = input;
    const spatialAxes = Array.from({ length: rank }, (_, axis) => axis).filter((axis) => axis !== 0 && axis !== channelAxis);
    const weight = mask === null ? null : tf.expandDims(mask, channelAxis);
    const weighted = (values: tf.Tensor) => (weight === null ? values : tf.mul(values, weight));
    const smooth = options.smooth ?? 1e-5;
    const intersection = tf.sum(weighted(tf.mul(p, target)), spatialAxes);
    const prediction = tf.sum(weighted(options.squared ? tf.square(p) : p), spatialAxes);
    const targetSum = tf.sum(weighted(options.squared ? tf.square(target) : target), spatialAxes);
    let perPair: tf.Tensor;
    if (options.loss === 'dice') {
      perPair = tf.sub(1, tf.div(tf.add(tf.mul(intersection, 2), smooth), tf.add(tf.add(prediction, targetSum), smooth)));
    } else if (options.loss === 'jaccard') {
      perPair = tf.sub(1, tf.div(tf.add(intersection, smooth), tf.add(tf.sub(tf.add(prediction, targetSum), intersection), smooth)));
    } else {
      const falsePositive = tf.sub(prediction, intersection);
      const falseNegative = tf.sub(targetSum, intersection);
      const denominator = tf.add(
        tf.add(tf.add(intersection, tf.mul(falsePositive, options.alpha ?? 0.5)), tf.mul(falseNegative, options.beta ?? 0.5)),
        smooth,
      );
      const base = tf.relu(tf.sub(1, tf.div(tf.add(intersection, smooth), denominator)));
      perPair = (options.gamma ?? 1) === 1 ? base : tf.pow(base, options.gamma ?? 1);
    }
    return (options.reduction === 'sum' ? tf.sum(perPair) : tf.mean(perPair)) as tf.Scalar;
  });
}

/**
 * The usual hand-written soft Dice of tutorials (softmax, one-hot labels, channels-last), for the
 * benchmark: `1 - mean((2 Σ p t + ε) / (Σ p + Σ t + ε))` over samples and classes.
 */
export function handWrittenDice(logits: tf.Tensor, labels: tf.Tensor, channels: number): tf.Scalar {
  return tf.tidy(() => {
    const p = tf.softmax(logits);
    const t = tf.oneHot(tf.cast(labels, 'int32'), channels);
    const axes = Array.from({ length: logits.rank - 2 }, (_, index) => index + 1);
    const ratio = tf.div(tf.add(tf.mul(tf.sum(tf.mul(p, t), axes), 2), 1e-5), tf.add(tf.add(tf.sum(p, axes), tf.sum(t, axes)), 1e-5));
    return tf.sub(1, tf.mean(ratio)) as tf.Scalar;
  });
}
