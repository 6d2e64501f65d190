#!/usr/bin/env node
// Packaging checks for every published package (packages/*, not private):
//  1. build (tsc, ESM + declarations), publint and @arethetypeswrong/cli (ESM-only profile);
//  2. `pnpm pack`, then install ONLY that tarball (with the tarballs of its @dicekit dependencies, which
//     are not on the registry yet, and its declared peers from the registry) into an empty temporary
//     project; import it in Node ESM and call a documented function; bundle it with Vite for the browser;
//  3. size budgets (minified + gzip of the browser bundle) for core and typed-arrays.
// Usage: node scripts/check-packages.mjs [package-folder ...]   (default: every published package)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const pnpm = ['-y', 'pnpm@12.4.2'];
/** Budgets in bytes, minified + gzip, of a browser bundle of the whole package entry. */
const SIZE_BUDGETS = { core: 20_000, 'typed-arrays': 40_000 };
/** Packages that only run in Node (no browser bundle check). */
const NODE_ONLY = new Set(['cli']);
/** A Node ESM smoke script per package: it must print "ok". */
const SMOKE = {
  core: `import { diceLoss } from '@dicekit/core';
const r = diceLoss({ shape: [1, 1, 2], data: [0.9, 0.1] }, { shape: [1, 1, 2], data: [1, 0] }, {}, { gradient: true });
if (!(Math.abs(r.loss.data[0] - (1 - (1.8 + 1e-5) / (2 + 1e-5))) < 1e-12)) throw new Error('wrong value ' + r.loss.data[0]);
console.log('ok');`,
  conformance: `import { parseCaseDocument, createCoreBackend, runCase } from '@dicekit/conformance';
const [c] = parseCaseDocument({ format: 'dicekit-cases/1', cases: [{ id: 'x', loss: 'dice', options: {}, input: { shape: [1, 1, 2], data: [0.9, 0.1] }, target: { shape: [1, 1, 2], data: [1, 0] }, expected: { loss: { shape: [], data: [1 - (1.8 + 1e-5) / (2 + 1e-5)] } } }] });
const outcome = await runCase(createCoreBackend(), c);
if (outcome.status !== 'passed') throw new Error(outcome.reason);
console.log('ok');`,
};

const published = readdirSync(join(root, 'packages'))
  .filter((folder) => existsSync(join(root, 'packages', folder, 'package.json')))
  .filter((folder) => JSON.parse(readFileSync(join(root, 'packages', folder, 'package.json'), 'utf8')).private !== true);
const selected = process.argv.length > 2 ? process.argv.slice(2) : published;

const run = (command, args, cwd, quiet = true) =>
  execFileSync(command, args, { cwd, stdio: quiet ? 'pipe' : 'inherit', encoding: 'utf8', env: { ...process.env, npm_config_yes: 'true' } });

const work = mkdtempSync(join(tmpdir(), 'dicekit-pack-'));
const tarballs = {};
const failures = [];
let checks = 0;
function check(label, action) {
  checks++;
  try {
    const note = action();
    console.log(`ok   ${label}${note ? `: ${note}` : ''}`);
  } catch (error) {
    const text = `${error.stdout ?? ''}${error.stderr ?? ''}${error.message}`.trim().split('\n').slice(0, 12).join('\n     ');
    console.log(`FAIL ${label}\n     ${text}`);
    failures.push(label);
  }
}

const manifestOf = (folder) => JSON.parse(readFileSync(join(root, 'packages', folder, 'package.json'), 'utf8'));
const internalDependencies = (folder) =>
  Object.keys({ ...manifestOf(folder).dependencies, ...manifestOf(folder).peerDependencies })
    .filter((dependency) => dependency.startsWith('@dicekit/'))
    .map((dependency) => dependency.replace('@dicekit/', ''));
const needed = new Set(selected.flatMap((folder) => [folder, ...internalDependencies(folder)]));
for (const folder of published.filter((candidate) => needed.has(candidate))) {
  const directory = join(root, 'packages', folder);
  run('npx', [...pnpm, 'run', 'build'], directory);
  const output = run('npx', [...pnpm, 'pack', '--pack-destination', work], directory);
  tarballs[folder] = output.trim().split('\n').pop().trim();
}

for (const folder of selected) {
  const directory = join(root, 'packages', folder);
  const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8'));
  const name = manifest.name;
  check(`${name} publint`, () => run(bin('publint'), ['--strict', '--pack', 'npm'], directory).trim().split('\n').pop());
  check(`${name} attw`, () => {
    run(bin('attw'), ['--pack', '.', '--profile', 'esm-only', '--format', 'ascii'], directory);
    return 'no problems (esm-only profile)';
  });

  const project = join(work, `install-${folder}`);
  mkdirSync(project, { recursive: true });
  const localTarballs = [tarballs[folder], ...internalDependencies(folder).map((dependency) => tarballs[dependency])];
  const peers = Object.entries(manifest.peerDependencies ?? {})
    .filter(([dependency]) => !dependency.startsWith('@dicekit/') && !(manifest.peerDependenciesMeta?.[dependency]?.optional))
    .map(([dependency, range]) => `${dependency}@${range}`);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: `try-${folder}`, private: true, type: 'module' }, null, 2));
  check(`${name} installs alone from its tarball`, () => {
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...localTarballs, ...peers], project);
    return `${localTarballs.length} tarball(s)${peers.length ? ` + peers ${peers.join(', ')}` : ''}`;
  });
  const smoke = SMOKE[folder] ?? `import * as entry from '${name}';\nif (Object.keys(entry).length === 0) throw new Error('no exports');\nconsole.log('ok');`;
  writeFileSync(join(project, 'smoke.mjs'), smoke);
  check(`${name} imports in Node ESM`, () => {
    const printed = run('node', ['smoke.mjs'], project).trim();
    if (!printed.endsWith('ok')) throw new Error(printed);
  });
  if (!NODE_ONLY.has(folder)) {
    writeFileSync(join(project, 'index.html'), '<script type="module" src="./browser.js"></script>');
    writeFileSync(join(project, 'browser.js'), `import * as entry from '${name}';\nconsole.log(Object.keys(entry).length);\n`);
    check(`${name} bundles with Vite for the browser`, () => {
      run(bin('vite'), ['build', '--logLevel', 'error', '--outDir', 'dist-browser'], project);
      const assets = join(project, 'dist-browser', 'assets');
      const bytes = readdirSync(assets).filter((file) => file.endsWith('.js')).reduce((sum, file) => sum + gzipSync(readFileSync(join(assets, file))).length, 0);
      const budget = SIZE_BUDGETS[folder];
      if (budget !== undefined && bytes > budget) throw new Error(`bundle is ${bytes} B gzip, budget ${budget} B`);
      return `${bytes} B gzip${budget !== undefined ? ` (budget ${budget} B)` : ''}`;
    });
  }
}
rmSync(work, { recursive: true, force: true });
console.log(`packaging checks: ${checks - failures.length} passed, ${failures.length} failed`);
process.exit(failures.length > 0 ? 1 : 0);
