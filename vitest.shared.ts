// Shared vitest settings: resolve workspace packages to their TypeScript sources (the "source"
// export condition), so tests never need a build first.
import { defineConfig } from 'vitest/config';

export const sourceConditions = ['source', 'node', 'import', 'module', 'default'];

export function dicekitVitestConfig(overrides: { testTimeout?: number; include?: string[] } = {}) {
  return defineConfig({
    resolve: { conditions: sourceConditions },
    ssr: { resolve: { conditions: sourceConditions, externalConditions: ['source'] } },
    test: {
      include: overrides.include ?? ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: overrides.testTimeout ?? 60_000,
      pool: 'forks',
    },
  });
}
