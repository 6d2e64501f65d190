#!/usr/bin/env node
// Sums vitest's "Tests  N passed | M failed | K skipped" lines of a turbo log into one closing line.
import { readFileSync } from 'node:fs';

const text = readFileSync(process.argv[2] ?? '/dev/stdin', 'utf8').replace(/\u001b\[[0-9;]*m/g, '');
let passed = 0;
let failed = 0;
let skipped = 0;
let runs = 0;
for (const line of text.split('\n')) {
  const match = /Tests\s+(.*)\((\d+)\)\s*$/.exec(line);
  if (match === null || !/passed|failed|skipped/.test(match[1])) continue;
  runs++;
  const count = (word) => Number((new RegExp(`(\\d+) ${word}`).exec(match[1]) ?? [0, 0])[1]);
  passed += count('passed');
  failed += count('failed');
  skipped += count('skipped');
}
console.log(`test summary over ${runs} vitest runs:`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
