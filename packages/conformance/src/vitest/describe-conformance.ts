import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendFactory, DiceKitBackend } from '@dicekit/core';
import type { ConformanceCase, Tolerance } from '../cases/case-types.js';
import { readCaseFiles, readGoldenCases } from '../node/read-case-files.js';
import { runCase } from '../run/run-case.js';

/** How a backend runs the conformance suite. Every skip and loosened tolerance carries a reason. */
export interface DescribeConformanceOptions {
  /** The suite's name, the backend's name by convention. */
  readonly name: string;
  readonly createBackend: BackendFactory;
  /** Case files to run (default: every bundled golden file). */
  readonly caseFiles?: readonly string[];
  /** Cases already loaded (browsers, generated cases); replaces `caseFiles`. */
  readonly cases?: readonly ConformanceCase[];
  /** Replaces the precision default; a case's own tolerance still wins. */
  readonly tolerance?: Tolerance & { readonly reason: string };
  /** Case ids (or id substrings) to skip, each with its reason. */
  readonly skip?: Readonly<Record<string, string>>;
  /** Skip cases whose largest tensor exceeds this many elements, with the reason. */
  readonly maxSize?: { readonly elements: number; readonly reason: string };
  /** Per-case timeout in ms (default 120 s: full-size cases take seconds). */
  readonly timeout?: number;
}

/**
 * Declares one vitest test per golden case for a backend. A third-party adapter proves itself with:
 *
 *     import { describeConformance } from '@dicekit/conformance/vitest';
 *     import { createMyBackend } from '../src/index.js';
 *     describeConformance({ name: 'my-backend', createBackend: createMyBackend });
 */
export function describeConformance(options: DescribeConformanceOptions): void {
  const cases = options.cases ?? (options.caseFiles === undefined ? readGoldenCases() : readCaseFiles(options.caseFiles));
  describe(`dicekit conformance: ${options.name}`, () => {
    let backend: DiceKitBackend | undefined;
    beforeAll(async () => {
      backend = await options.createBackend();
    }, 120_000);
    afterAll(async () => {
      await backend?.dispose?.();
    });
    for (const testCase of cases) {
      const skipEntry = Object.entries(options.skip ?? {}).find(([pattern]) => testCase.id.includes(pattern));
      const oversized = options.maxSize !== undefined && testCase.size > options.maxSize.elements;
      const title = `${testCase.file} ${testCase.id}`;
      if (skipEntry !== undefined || oversized) {
        it.skip(`${title} (skipped: ${skipEntry?.[1] ?? options.maxSize?.reason})`, () => {});
        continue;
      }
      it(
        title,
        async (context) => {
          if (backend === undefined) throw new Error(`backend ${options.name} was not created`);
          const outcome = await runCase(backend, testCase, { tolerance: options.tolerance });
          if (outcome.status === 'skipped') {
            context.skip(outcome.reason ?? 'not supported');
            return;
          }
          expect(outcome.reason, `${title}`).toBeNull();
          expect(outcome.status).toBe('passed');
        },
        options.timeout ?? 120_000,
      );
    }
  });
}
