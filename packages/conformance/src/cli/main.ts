#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { goldenCaseFiles, readCaseFiles } from '../node/read-case-files.js';
import { runCases } from '../run/run-cases.js';
import { KNOWN_BACKENDS, loadBackend } from './backend-registry.js';

const usage = `usage: dicekit-conformance --backend <name> [--cases <file.json>...] [options]

Runs dicekit-cases/1 case files (default: the bundled golden cases) against a backend and ends with
the line "N passed, M failed" (exit 1 when M > 0).

  --backend <name>         ${Object.keys(KNOWN_BACKENDS).join(', ')}
  --backend-module <spec>  a module or package exporting createBackend() (third-party adapters)
  --cases <file.json>      case files to run (repeatable; default: every bundled golden file)
  --filter <text>          only cases whose id contains <text>
  --max-size <n>           skip cases whose largest tensor has more than n elements
  --verbose                print every case, not only failures
  --help`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      backend: { type: 'string', default: 'core' },
      'backend-module': { type: 'string' },
      cases: { type: 'string', multiple: true },
      filter: { type: 'string' },
      'max-size': { type: 'string' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const files = [...(values.cases ?? []), ...positionals];
  const paths = files.length > 0 ? files : goldenCaseFiles();
  let cases = readCaseFiles(paths);
  if (values.filter !== undefined) cases = cases.filter((testCase) => testCase.id.includes(values.filter as string));
  const maxSize = values['max-size'] === undefined ? Infinity : Number(values['max-size']);
  const oversized = cases.filter((testCase) => testCase.size > maxSize);
  cases = cases.filter((testCase) => testCase.size <= maxSize);

  const backend = await loadBackend(values.backend as string, values['backend-module']);
  console.log(`dicekit-conformance: backend ${backend.name} (${backend.capabilities.precision}), ${cases.length} cases from ${paths.length} file(s)`);
  for (const note of backend.capabilities.notes ?? []) console.log(`  note: ${note}`);
  const started = performance.now();
  const summary = await runCases(backend, cases, {
    onOutcome(outcome) {
      if (outcome.status === 'failed') console.log(`FAIL ${outcome.file} ${outcome.id}: ${outcome.reason}`);
      else if (values.verbose) console.log(`${outcome.status === 'passed' ? 'ok  ' : 'skip'} ${outcome.file} ${outcome.id}${outcome.reason === null ? '' : `: ${outcome.reason}`}`);
    },
  });
  await backend.dispose?.();
  const skipReasons = new Map<string, number>();
  for (const outcome of summary.outcomes) {
    if (outcome.status === 'skipped') skipReasons.set(outcome.reason ?? '', (skipReasons.get(outcome.reason ?? '') ?? 0) + 1);
  }
  for (const [reason, count] of skipReasons) console.log(`skipped ${count}: ${reason}`);
  if (oversized.length > 0) console.log(`skipped ${oversized.length}: larger than --max-size ${maxSize}`);
  console.log(`time ${((performance.now() - started) / 1000).toFixed(1)} s`);
  console.log(`${summary.passed} passed, ${summary.failed} failed`);
  return summary.failed > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`dicekit-conformance: ${(error as Error).message ?? String(error)}`);
    process.exitCode = 2;
  },
);
