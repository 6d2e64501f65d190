#!/usr/bin/env node
// `npx -y pnpm@12.4.2 conformance <package>`: runs a package's conformance test (test/conformance.test.ts,
// or every *conformance* test file) with vitest, from the package's folder.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const wanted = process.argv[2];
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const packages = readdirSync(join(root, 'packages')).filter((folder) => existsSync(join(root, 'packages', folder, 'package.json')));
const folder = packages.find((candidate) => {
  const name = JSON.parse(readFileSync(join(root, 'packages', candidate, 'package.json'), 'utf8')).name;
  return candidate === wanted || name === wanted;
});
if (wanted === undefined || folder === undefined) {
  console.error(`usage: conformance <package>   (one of: ${packages.join(', ')})`);
  process.exit(2);
}
const result = spawnSync(join(root, 'node_modules', '.bin', 'vitest'), ['run', 'conformance', ...process.argv.slice(3)], {
  cwd: join(root, 'packages', folder),
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
