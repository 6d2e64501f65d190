import { DiceKitError } from '@dicekit/core';
import { describe, expect, it } from 'vitest';
import { kernelMemory } from '../index.js';

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof DiceKitError) return `${error.code}: ${error.message}`;
    throw error;
  }
  return 'no error';
}

describe('kernelMemory()', () => {
  it('hands out zero-filled arrays of the asked type and length, held in kernel memory', () => {
    const memory = kernelMemory();
    const floats = memory.float32(1001);
    const bytes = memory.uint8(7);
    const integers = memory.int32(33);
    expect(floats).toBeInstanceOf(Float32Array);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(integers).toBeInstanceOf(Int32Array);
    expect([floats.length, bytes.length, integers.length]).toEqual([1001, 7, 33]);
    expect(floats.every((value) => value === 0) && bytes.every((value) => value === 0)).toBe(true);
    expect(floats.byteOffset % 64).toBe(0);
    expect(memory.holds(floats)).toBe(true);
    expect(memory.holds(floats.subarray(10, 20))).toBe(true);
    expect(memory.holds(new Float32Array(4))).toBe(false);
    // Distinct allocations never overlap.
    const ranges = [floats, bytes, integers].map((array) => [array.byteOffset, array.byteOffset + array.byteLength] as const).sort((a, b) => a[0] - b[0]);
    for (let index = 1; index < ranges.length; index++) expect(ranges[index]![0]).toBeGreaterThanOrEqual(ranges[index - 1]![1]);
    memory.free(floats);
    memory.free(bytes);
    memory.free(integers);
  });

  it('reuses freed space, zero-filled again, and merges neighbouring free blocks', () => {
    const memory = kernelMemory();
    const first = memory.float32(1024);
    const second = memory.float32(1024);
    const third = memory.float32(16);
    first.fill(7);
    second.fill(7);
    const address = first.byteOffset;
    memory.free(first);
    memory.free(second);
    // 2048 floats fit only where first and second were, merged.
    const merged = memory.float32(2048);
    expect(merged.byteOffset).toBe(address);
    expect(merged.every((value) => value === 0)).toBe(true);
    memory.free(merged);
    memory.free(third);
  });

  it('grows the memory for a large array and keeps earlier arrays intact', () => {
    const memory = kernelMemory();
    const small = memory.int32(100);
    small.fill(42);
    const before = memory.usage().memoryBytes;
    const large = memory.float32(24 * 1024 * 1024);
    expect(memory.usage().memoryBytes).toBeGreaterThan(before);
    expect(memory.usage().allocated).toBeGreaterThanOrEqual(large.byteLength + small.byteLength);
    large[large.length - 1] = 1.5;
    expect(large[large.length - 1]).toBe(1.5);
    expect(small.every((value) => value === 42)).toBe(true);
    memory.free(large);
    memory.free(small);
  });

  it('refuses bad lengths, foreign arrays and double frees with E_OPTION', () => {
    const memory = kernelMemory();
    expect(codeOf(() => memory.float32(-1))).toMatch(/^E_OPTION: .*length must be a non-negative integer, got -1/);
    expect(codeOf(() => memory.uint8(2.5))).toMatch(/^E_OPTION: .*uint8\(length\).*2\.5/);
    expect(codeOf(() => memory.float32(2 ** 31))).toMatch(/^E_OPTION: .*kernel memory cannot grow by \d+ bytes: WebAssembly memory holds at most 4 GiB/);
    expect(codeOf(() => memory.free(new Float32Array(8)))).toMatch(/^E_OPTION: .*not allocated by kernelMemory\(\)/);
    const array = memory.float32(8);
    memory.free(array);
    expect(codeOf(() => memory.free(array))).toMatch(/^E_OPTION: .*freed already/);
  });
});
