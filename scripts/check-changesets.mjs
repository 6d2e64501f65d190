#!/usr/bin/env node
// Tests the release flow in a temporary copy of the repository: a sample changeset for one package,
// then `changeset version`, must bump EVERY package of the fixed group to the same new version and
// write their changelogs. The working tree is never touched.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const copy = mkdtempSync(join(tmpdir(), 'dicekit-changesets-'));
const tracked = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
  .split('\0')
  .filter((path) => path !== '' && existsSync(join(root, path)));
for (const path of tracked) cpSync(join(root, path), join(copy, path), { recursive: true });
symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
execFileSync('git', ['init', '-q'], { cwd: copy });

const config = JSON.parse(readFileSync(join(copy, '.changeset', 'config.json'), 'utf8'));
const group = config.fixed[0];
const folderOf = (name) => name.replace('@dicekit/', '');
const versionOf = (name) => JSON.parse(readFileSync(join(copy, 'packages', folderOf(name), 'package.json'), 'utf8')).version;
const before = Object.fromEntries(group.map((name) => [name, versionOf(name)]));

for (const file of readdirSync(join(copy, '.changeset'))) if (file.endsWith('.md') && file !== 'README.md') rmSync(join(copy, '.changeset', file));
writeFileSync(join(copy, '.changeset', 'sample-fix.md'), '---\n"@dicekit/core": patch\n---\n\nSample fix used by the release-flow check.\n');
execFileSync(join(root, 'node_modules', '.bin', 'changeset'), ['version'], { cwd: copy, stdio: 'pipe' });

const after = Object.fromEntries(group.map((name) => [name, versionOf(name)]));
const problems = [];
const newVersions = new Set(Object.values(after));
if (newVersions.size !== 1) problems.push(`the fixed group has different versions after versioning: ${JSON.stringify(after)}`);
for (const name of group) {
  if (after[name] === before[name]) problems.push(`${name} was not bumped (${before[name]})`);
  const changelog = join(copy, 'packages', folderOf(name), 'CHANGELOG.md');
  if (!existsSync(changelog)) problems.push(`${name} has no CHANGELOG.md`);
}
const coreLog = readFileSync(join(copy, 'packages', 'core', 'CHANGELOG.md'), 'utf8');
if (!coreLog.includes('Sample fix used by the release-flow check.')) problems.push('core CHANGELOG.md lacks the changeset text');
rmSync(copy, { recursive: true, force: true });
if (problems.length > 0) {
  console.log(problems.map((problem) => `FAIL ${problem}`).join('\n'));
  console.log('changesets flow: 0 passed, 1 failed');
  process.exit(1);
}
console.log(`ok   changeset version bumped ${group.length} packages of the fixed group ${JSON.stringify(before)} -> ${[...newVersions][0]} and wrote their changelogs`);
console.log('changesets flow: 1 passed, 0 failed');
