import { createCoreBackend } from '@dicekit/conformance';
import type { DiceKitBackend } from '@dicekit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGREEMENT_BACKENDS } from '../src/backends.js';
import { peerCases, runThroughPreset } from '../src/peer-cases.js';

// Issue 7's acceptance on every adapter: each peer-sourced golden case, translated by its preset from the
// peer's own option names, passes on core and on every backend.
const cases = peerCases();
const backends = [{ name: 'core', load: async () => createCoreBackend() }, ...AGREEMENT_BACKENDS];

for (const entry of backends) {
  describe(`peer cases through presets on ${entry.name}`, () => {
    let backend: DiceKitBackend;
    beforeAll(async () => {
      backend = await entry.load();
    }, 120_000);
    afterAll(async () => {
      await backend?.dispose?.();
    });
    it(`all ${cases.length} peer cases pass`, async () => {
      const failures: string[] = [];
      for (const testCase of cases) {
        const outcome = await runThroughPreset(backend, testCase);
        if (outcome.status !== 'passed') failures.push(`${testCase.file} ${testCase.id}: ${outcome.reason}`);
      }
      expect(failures).toEqual([]);
    });
  });
}
