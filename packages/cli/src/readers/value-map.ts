import { existsSync, readFileSync } from 'node:fs';
import { DiceKitError } from '@dicekit/core';
import type { LabelArray } from './element-type.js';

/**
 * A user map from stored values to class indices: `values` for integer labels (gray levels, palette
 * indices, NIfTI values: `255=1`), `colors` for RGB PNG pixels (`#ff0000=1`, keyed by `r << 16 | g << 8 | b`).
 * When a map of the relevant kind is given, every stored value must be in it.
 */
export interface ValueMap {
  readonly values: ReadonlyMap<number, number>;
  readonly colors: ReadonlyMap<number, number>;
}

/** The map that maps nothing (values are class indices as stored). */
export const EMPTY_VALUE_MAP: ValueMap = { values: new Map(), colors: new Map() };

function colorKey(text: string): number | null {
  const match = /^#?([0-9a-f]{6})$/i.exec(text.trim());
  return match === null ? null : Number.parseInt(match[1] as string, 16);
}

/** `#rrggbb` of a packed colour key. */
export function colorText(key: number): string {
  return `#${key.toString(16).padStart(6, '0')}`;
}

function addEntry(map: { values: Map<number, number>; colors: Map<number, number> }, key: string, value: unknown): void {
  const label = typeof value === 'string' ? Number(value.trim()) : value;
  if (typeof label !== 'number' || !Number.isInteger(label) || label < 0) {
    throw new DiceKitError('E_OPTION', `color map entry ${JSON.stringify(key)}: class ${JSON.stringify(value)} is not a non-negative integer`);
  }
  const trimmed = key.trim();
  if (trimmed.startsWith('#')) {
    const color = colorKey(trimmed);
    if (color === null) throw new DiceKitError('E_OPTION', `color map key ${JSON.stringify(key)} is not #rrggbb`);
    map.colors.set(color, label);
    return;
  }
  const stored = Number(trimmed);
  if (trimmed === '' || !Number.isInteger(stored)) throw new DiceKitError('E_OPTION', `color map key ${JSON.stringify(key)} is neither an integer value nor #rrggbb`);
  map.values.set(stored, label);
}

/**
 * Parses `--color-map`: a JSON file (`{"#ff0000": 1, "255": 1}`) or inline entries `KEY=CLASS`
 * separated by commas or semicolons, KEY being `#rrggbb` (RGB PNG) or an integer stored value.
 */
export function parseValueMap(specification: string): ValueMap {
  const map = { values: new Map<number, number>(), colors: new Map<number, number>() };
  if (!specification.includes('=') && existsSync(specification)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(specification, 'utf8'));
    } catch (error) {
      throw new DiceKitError('E_OPTION', `color map file ${specification} is not JSON: ${(error as Error).message}`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new DiceKitError('E_OPTION', `color map file ${specification} must hold an object {"#rrggbb": class, "value": class}`);
    }
    for (const [key, value] of Object.entries(parsed)) addEntry(map, key, value);
    return map;
  }
  for (const entry of specification.split(/[,;]/)) {
    if (entry.trim() === '') continue;
    const separator = entry.indexOf('=');
    if (separator < 0) throw new DiceKitError('E_OPTION', `color map entry ${JSON.stringify(entry)} is not KEY=CLASS`);
    addEntry(map, entry.slice(0, separator), entry.slice(separator + 1));
  }
  return map;
}

function describeMissing(missing: Map<number, number>, format: (key: number) => string): string {
  const listed = [...missing.entries()].sort((left, right) => right[1] - left[1]).slice(0, 8);
  const more = missing.size > listed.length ? `, and ${missing.size - listed.length} more` : '';
  return listed.map(([key, count]) => `${format(key)} (${count} voxels)`).join(', ') + more;
}

function outputFor(labels: Iterable<number>, count: number): Uint8Array | Int32Array {
  let maximum = 0;
  for (const label of labels) maximum = Math.max(maximum, label);
  return maximum < 256 ? new Uint8Array(count) : new Int32Array(count);
}

/** Applies `values` to integer labels; a stored value not in the map is an `E_LABEL` error naming it. */
export function mapValues(data: LabelArray, values: ReadonlyMap<number, number>): LabelArray {
  if (values.size === 0) return data;
  const out = outputFor(values.values(), data.length);
  const missing = new Map<number, number>();
  // Most label images use a handful of values: a last-value cache avoids a Map lookup per voxel.
  let lastValue = Number.NaN;
  let lastLabel = -1;
  for (let index = 0; index < data.length; index++) {
    const value = data[index] as number;
    if (value !== lastValue) {
      const label = values.get(value);
      if (label === undefined) {
        missing.set(value, (missing.get(value) ?? 0) + 1);
        continue;
      }
      lastValue = value;
      lastLabel = label;
    }
    out[index] = lastLabel;
  }
  if (missing.size > 0) throw new DiceKitError('E_LABEL', `values not in the color map: ${describeMissing(missing, String)}`);
  return out;
}

/**
 * Class indices of RGB(A) pixels: through `colors` when given (every colour must be in it); without a
 * map, an image whose pixels are all gray (r = g = b) gives its gray level, any other is `E_LABEL`.
 */
export function mapColors(samples: Uint8Array | Uint16Array, samplesPerPixel: number, colors: ReadonlyMap<number, number>): LabelArray {
  const count = samples.length / samplesPerPixel;
  const sixteen = samples instanceof Uint16Array;
  if (colors.size === 0) {
    const out = sixteen ? new Uint16Array(count) : new Uint8Array(count);
    for (let pixel = 0; pixel < count; pixel++) {
      const red = samples[pixel * samplesPerPixel] as number;
      if (red !== samples[pixel * samplesPerPixel + 1] || red !== samples[pixel * samplesPerPixel + 2]) {
        throw new DiceKitError('E_LABEL', `RGB mask has coloured pixels (first at pixel ${pixel}); pass --color-map '#rrggbb=class,...'`);
      }
      out[pixel] = red;
    }
    return out;
  }
  const out = outputFor(colors.values(), count);
  const missing = new Map<number, number>();
  let lastKey = -1;
  let lastLabel = -1;
  for (let pixel = 0; pixel < count; pixel++) {
    let red = samples[pixel * samplesPerPixel] as number;
    let green = samples[pixel * samplesPerPixel + 1] as number;
    let blue = samples[pixel * samplesPerPixel + 2] as number;
    if (sixteen) {
      red >>= 8;
      green >>= 8;
      blue >>= 8;
    }
    const key = (red << 16) | (green << 8) | blue;
    if (key !== lastKey) {
      const label = colors.get(key);
      if (label === undefined) {
        missing.set(key, (missing.get(key) ?? 0) + 1);
        continue;
      }
      lastKey = key;
      lastLabel = label;
    }
    out[pixel] = lastLabel;
  }
  if (missing.size > 0) throw new DiceKitError('E_LABEL', `colours not in the color map: ${describeMissing(missing, colorText)}`);
  return out;
}
