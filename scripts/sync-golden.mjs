#!/usr/bin/env node
// Copies the golden cases of ../shared/conformance/golden (beside the repository) into
// packages/conformance/cases/golden, the package data every backend's conformance suite reads.
// Run it whenever the shared golden files change, then rerun the conformance suites.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const source = resolve(process.argv[2] ?? join(root, '..', 'shared', 'conformance', 'golden'));
const destination = join(root, 'packages', 'conformance', 'cases', 'golden');

if (!existsSync(source)) {
  console.error(`sync-golden: no golden folder at ${source} (pass its path as the first argument)`);
  process.exit(1);
}
mkdirSync(destination, { recursive: true });
let files = 0;
let cases = 0;
for (const name of readdirSync(source).sort()) {
  if (!name.endsWith('.json') && name !== 'README.md') continue;
  copyFileSync(join(source, name), join(destination, name));
  files++;
  if (name.endsWith('.json')) {
    const document = JSON.parse(readFileSync(join(source, name), 'utf8'));
    if (document.format !== 'dicekit-cases/1') {
      console.error(`sync-golden: ${name} has format ${JSON.stringify(document.format)}, expected dicekit-cases/1`);
      process.exit(1);
    }
    console.log(`${name.padEnd(14)} ${String(document.cases.length).padStart(4)} cases`);
    cases += document.cases.length;
  }
}
console.log(`copied ${files} files (${cases} cases) from ${source} to ${destination}`);
