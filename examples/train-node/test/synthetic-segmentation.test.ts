import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@dicekit/core';
import { generateSegmentationSet } from '../src/data/synthetic-segmentation.js';

describe('mulberry32', () => {
  it('produces the SPEC.md section 8 stream', () => {
    // The generator of SPEC.md section 8 written out inline, as the reference.
    let a = 7 >>> 0;
    const reference = () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const generator = mulberry32(7);
    for (let index = 0; index < 100; index++) expect(generator()).toBe(reference());
  });
});

describe('generateSegmentationSet', () => {
  const set = generateSegmentationSet({ count: 40, seed: 3 });

  it('is deterministic in its seed', () => {
    const again = generateSegmentationSet({ count: 40, seed: 3 });
    expect(again.images).toEqual(set.images);
    expect(again.labels).toEqual(set.labels);
    expect(generateSegmentationSet({ count: 40, seed: 4 }).labels).not.toEqual(set.labels);
  });

  it('covers 1 % to 3 % of each image with foreground, both classes present in the set', () => {
    const pixels = set.size * set.size;
    for (let image = 0; image < set.count; image++) {
      let foreground = 0;
      for (let pixel = 0; pixel < pixels; pixel++) if ((set.labels[image * pixels + pixel] as number) > 0) foreground++;
      expect(foreground / pixels).toBeGreaterThanOrEqual(0.01);
      expect(foreground / pixels).toBeLessThanOrEqual(0.03);
    }
    const streakImages = Array.from({ length: set.count }, (_, image) => set.classFractions[image * 2 + 1] as number).filter((fraction) => fraction > 0);
    expect(streakImages.length).toBeGreaterThan(20);
    expect(streakImages.length).toBeLessThan(40);
  });

  it('has one-hot targets that agree with the label map', () => {
    for (let index = 0; index < set.labels.length; index++) {
      const label = set.labels[index] as number;
      expect([set.targets[index * 2], set.targets[index * 2 + 1]]).toEqual([label === 1 ? 1 : 0, label === 2 ? 1 : 0]);
    }
  });
});
