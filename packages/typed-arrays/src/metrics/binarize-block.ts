import { sigmoid, type ResolvedMetricOptions } from '@dicekit/core';
import type { BlockScratch } from '../kernel/block-scratch.js';
import { channelArgmaxRows } from '../kernel/channel-argmax.js';

/**
 * Logit bounds outside which `σ(x) >= threshold` is decided without evaluating σ: a margin of 1e-6
 * around `log(th / (1 - th))` is far wider than σ's rounding, so only inputs inside the band call
 * core's `sigmoid` (the same function core binarises with, so borderline voxels agree bit for bit).
 */
export function sigmoidThresholdBand(threshold: number): { low: number; high: number } {
  if (!(threshold > 0 && threshold < 1)) return { low: Infinity, high: -Infinity };
  const logit = Math.log(threshold / (1 - threshold));
  const margin = 1e-6 * (1 + Math.abs(logit));
  return { low: logit - margin, high: logit + margin };
}

/**
 * Hard predictions of SPEC.md section 6 for the loaded block, written as 0/1 into
 * `scratch.probability`: argmax over the raw values (first channel wins ties), or `act(x) >= threshold`
 * per channel (softmax probabilities too). Sigmoid and softmax thresholds use core's exact activations
 * where the decision is close, so results match core exactly.
 */
export function binarizeBlock(options: ResolvedMetricOptions, scratch: BlockScratch, count: number, band: { low: number; high: number }): void {
  const { input, probability: hard, size, channels } = scratch;
  const threshold = options.threshold;
  if (options.argmax) {
    const { argmax } = scratch;
    channelArgmaxRows(scratch, count);
    for (let channel = 0; channel < channels; channel++) {
      const offset = channel * size;
      for (let voxel = 0; voxel < count; voxel++) hard[offset + voxel] = argmax[voxel] === channel ? 1 : 0;
    }
    return;
  }
  if (options.activation === 'none') {
    for (let channel = 0; channel < channels; channel++) {
      const end = channel * size + count;
      for (let index = channel * size; index < end; index++) hard[index] = (input[index] as number) >= threshold ? 1 : 0;
    }
    return;
  }
  if (options.activation === 'sigmoid') {
    const { low, high } = band;
    const exact = !(low <= high);
    for (let channel = 0; channel < channels; channel++) {
      const end = channel * size + count;
      for (let index = channel * size; index < end; index++) {
        const x = input[index] as number;
        if (!exact && x > high) hard[index] = 1;
        else if (!exact && x < low) hard[index] = 0;
        else hard[index] = sigmoid(x) >= threshold ? 1 : 0;
      }
    }
    return;
  }
  // Softmax probabilities thresholded per channel (multi-label style): rare, computed exactly as core does.
  for (let voxel = 0; voxel < count; voxel++) {
    let maximum = -Infinity;
    let best = 0;
    for (let channel = 0; channel < channels; channel++) {
      const value = input[channel * size + voxel] as number;
      if (value > maximum) {
        maximum = value;
        best = channel;
      }
    }
    let rest = 0;
    for (let channel = 0; channel < channels; channel++) {
      if (channel !== best) rest += Math.exp((input[channel * size + voxel] as number) - maximum);
    }
    const total = 1 + rest;
    for (let channel = 0; channel < channels; channel++) {
      const shifted = Math.exp((input[channel * size + voxel] as number) - maximum);
      hard[channel * size + voxel] = shifted / total >= threshold ? 1 : 0;
    }
  }
}
