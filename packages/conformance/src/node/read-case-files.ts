import { readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConformanceCase } from '../cases/case-types.js';
import { parseCaseDocument } from '../cases/parse-cases.js';

/** The folder of the bundled golden cases (package data). */
export function goldenDirectory(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'cases', 'golden');
}

/** Paths of the bundled golden case files, sorted. */
export function goldenCaseFiles(): string[] {
  const folder = goldenDirectory();
  return readdirSync(folder)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => join(folder, name));
}

/** Reads and parses case files (Node only). */
export function readCaseFiles(paths: readonly string[]): ConformanceCase[] {
  return paths.flatMap((path) => parseCaseDocument(JSON.parse(readFileSync(path, 'utf8')), basename(path)));
}

/** Every bundled golden case. */
export function readGoldenCases(): ConformanceCase[] {
  return readCaseFiles(goldenCaseFiles());
}
