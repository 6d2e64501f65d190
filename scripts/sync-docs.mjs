#!/usr/bin/env node
// Copies SPEC.md and DESIGN.md from ../shared into docs/ (run with golden:sync when the contract changes).
import { copyFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = resolve(process.argv[2] ?? join(root, '..', 'shared'));
for (const name of ['SPEC.md', 'DESIGN.md']) {
  copyFileSync(join(shared, name), join(root, 'docs', name));
  console.log(`copied ${name}`);
}
