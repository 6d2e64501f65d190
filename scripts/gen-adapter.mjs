#!/usr/bin/env node
// Scaffolds a backend adapter package: `npx -y pnpm@12.4.2 gen:adapter <name>` creates packages/<name>
// with a backend that implements nothing yet and the three-line conformance test, which then fails with
// one readable line per golden case until the adapter computes what SPEC.md says.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const name = process.argv[2];
if (name === undefined || !/^[a-z][a-z0-9-]*$/.test(name)) {
  console.error('usage: gen:adapter <name>   (kebab-case, e.g. "webgpu-kernels")');
  process.exit(2);
}
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const folder = join(root, 'packages', name);
if (existsSync(folder)) {
  console.error(`packages/${name} exists already`);
  process.exit(1);
}
const factory = `create${name.replace(/(^|-)([a-z0-9])/g, (_, __, letter) => letter.toUpperCase())}Backend`;
const files = {
  'package.json': `${JSON.stringify(
    {
      name: `@dicekit/${name}`,
      version: '0.0.0',
      description: `dicekit backend: ${name}`,
      license: 'MIT',
      type: 'module',
      sideEffects: false,
      exports: {
        '.': { source: './src/index.ts', types: './dist/index.d.ts', default: './dist/index.js' },
        './package.json': './package.json',
      },
      files: ['dist', 'src', '!src/**/*.test.ts'],
      scripts: {
        build: 'tsc -p tsconfig.build.json',
        typecheck: 'tsc -p tsconfig.json --noEmit',
        test: 'vitest run',
        conformance: 'vitest run test/conformance.test.ts',
      },
      dependencies: { '@dicekit/core': 'workspace:*' },
      devDependencies: {
        '@dicekit/conformance': 'workspace:*',
        '@types/node': 'catalog:',
        typescript: 'catalog:',
        vitest: 'catalog:',
      },
    },
    null,
    2,
  )}\n`,
  'tsconfig.json': `{\n  "extends": "../../tsconfig.base.json",\n  "compilerOptions": { "noEmit": true, "types": ["node"] },\n  "include": ["src", "test", "vitest.config.ts"]\n}\n`,
  'tsconfig.build.json': `{\n  "extends": "../../tsconfig.base.json",\n  "compilerOptions": { "outDir": "dist", "rootDir": "src", "types": [] },\n  "include": ["src"],\n  "exclude": ["src/**/*.test.ts"]\n}\n`,
  'vitest.config.ts': `import { dicekitVitestConfig } from '../../vitest.shared.js';\n\nexport default dicekitVitestConfig();\n`,
  'src/index.ts': `export { ${factory} } from './${name}-backend.js';\n`,
  [`src/${name}-backend.ts`]: `import { LOSS_NAMES, METRIC_NAMES, type DiceKitBackend, type LossResponse, type MetricResponse } from '@dicekit/core';

/**
 * The ${name} backend. Compute the statistics I, P, T per (sample, class) natively (SPEC.md section 3), then
 * reuse core: prepareLoss (validation and defaults), diceTermFromStatistics (the loss and its partials),
 * elementwiseCoefficients (the gradient pass), prepareMetric + metricFromStatistics (metrics).
 */
export function ${factory}(): DiceKitBackend {
  return {
    name: '${name}',
    capabilities: { precision: 'float32', losses: LOSS_NAMES, metrics: METRIC_NAMES, gradient: true },
    computeLoss(request): LossResponse {
      throw new Error(\`${name}: loss '\${request.loss}' is not implemented yet\`);
    },
    computeMetric(request): MetricResponse {
      throw new Error(\`${name}: metric '\${request.metric}' is not implemented yet\`);
    },
  };
}
`,
  'test/conformance.test.ts': `import { describeConformance } from '@dicekit/conformance/vitest';
import { ${factory} } from '../src/index.js';
describeConformance({ name: '${name}', createBackend: ${factory} });
`,
  'README.md': `# @dicekit/${name}\n\nA dicekit backend adapter (scaffolded by \`gen:adapter\`). Prove it agrees with the float64 reference:\n\n\`\`\`sh\nnpx -y pnpm@12.4.2 conformance @dicekit/${name}\n\`\`\`\n`,
};
for (const [path, text] of Object.entries(files)) {
  mkdirSync(dirname(join(folder, path)), { recursive: true });
  writeFileSync(join(folder, path), text);
}
console.log(`created packages/${name}: run \`npx -y pnpm@12.4.2 install\`, then \`npx -y pnpm@12.4.2 conformance @dicekit/${name}\``);
