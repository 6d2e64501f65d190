#!/usr/bin/env node
// The `dicekit` executable. Published: runs the compiled dist/main.js. In the repository without a
// build (or when dist cannot load because a workspace dependency is not built, or with
// DICEKIT_FROM_SOURCE=1), runs src/main.ts through tsx with the "source" export condition.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const compiled = new URL('../dist/main.js', import.meta.url);
const source = new URL('../src/main.ts', import.meta.url);

function runFromSource() {
  // tsx is resolved from this package, so the bin works whatever the current directory.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const result = spawnSync(process.execPath, ['--import', tsx, '--conditions=source', fileURLToPath(source), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exitCode = result.status ?? 2;
}

if (existsSync(compiled) && process.env.DICEKIT_FROM_SOURCE !== '1') {
  try {
    await import(compiled.href);
  } catch (error) {
    // A module that cannot be resolved fails at link time, before any of the CLI has run.
    if (error?.code === 'ERR_MODULE_NOT_FOUND' && existsSync(source)) runFromSource();
    else throw error;
  }
} else if (existsSync(source)) {
  runFromSource();
} else {
  process.stderr.write('dicekit: neither dist/main.js nor src/main.ts found; run the build\n');
  process.exitCode = 2;
}
