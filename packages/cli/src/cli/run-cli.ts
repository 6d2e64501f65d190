import { accessSync, constants, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DiceKitError, isDiceKitError, MetricAccumulator } from '@dicekit/core';
import { evaluateFolders } from '../evaluation/evaluate-folders.js';
import { buildReport } from '../report/build-report.js';
import { formatReport } from '../report/format-report.js';
import { accumulatorOptions } from '../report/scoring-options.js';
import { fromStatisticsFile, mergeStatistics, toStatisticsFile } from '../report/statistics-file.js';
import type { CaseRecord } from '../evaluation/case-record.js';
import type { CaseFailure } from '../evaluation/pair-cases.js';
import type { ScoringOptions } from '../report/scoring-options.js';
import { HELP_TEXT } from './help-text.js';
import { parseArguments, type EvalCommand, type MergeCommand, type OutputOptions } from './parse-arguments.js';
import { Progress, type TextStream } from './progress.js';

/** Exit code: every case was scored. */
export const EXIT_OK = 0;
/** Exit code: some cases failed (each reported with its reason); the others were scored. */
export const EXIT_CASES_FAILED = 1;
/** Exit code: bad usage, an unreadable statistics file, or nothing to evaluate. */
export const EXIT_USAGE = 2;

/** Where the CLI writes. */
export interface CliStreams {
  readonly stdout: TextStream;
  readonly stderr: TextStream;
}

function emit(
  records: readonly CaseRecord[],
  failures: readonly CaseFailure[],
  scoring: ScoringOptions,
  output: OutputOptions,
  streams: CliStreams,
): number {
  const report = buildReport(records, failures, scoring);
  const text = formatReport(report, output.format);
  if (output.out === null) streams.stdout.write(text);
  else writeFileSync(output.out, text);
  if (output.statsOut !== null) writeFileSync(output.statsOut, JSON.stringify(toStatisticsFile(records, failures, scoring)) + '\n');
  for (const failure of failures) streams.stderr.write(`dicekit: FAILED ${failure.id}: ${failure.reason}\n`);
  return failures.length > 0 ? EXIT_CASES_FAILED : EXIT_OK;
}

/** Fails before any work when an output file cannot be created (a long run must not be lost at the end). */
function checkWritable(output: OutputOptions): void {
  for (const [option, path] of [
    ['--out', output.out],
    ['--stats-out', output.statsOut],
  ] as const) {
    if (path === null) continue;
    try {
      accessSync(dirname(resolve(path)), constants.W_OK);
    } catch (error) {
      throw new DiceKitError('E_OPTION', `${option} ${path}: the folder is not writable (${(error as Error).message})`);
    }
  }
}

async function runEval(command: EvalCommand, streams: CliStreams): Promise<number> {
  // Core validates the metric options once, before any file is read.
  new MetricAccumulator('dice', accumulatorOptions(command.scoring));
  checkWritable(command);
  const progress = new Progress(streams.stderr, command.quiet);
  const run = await evaluateFolders({
    predictionDirectory: command.predictionDirectory,
    groundTruthDirectory: command.groundTruthDirectory,
    channels: command.scoring.channels,
    ignoreIndex: command.scoring.ignoreIndex,
    valueMap: command.valueMap,
    ...(command.workers === null ? {} : { workers: command.workers }),
    ...(command.slabVoxels === null ? {} : { slabVoxels: command.slabVoxels }),
    onProgress: (done, total, id, failed) => progress.update(done, total, id, failed),
  });
  progress.finish();
  if (run.records.length === 0 && run.failures.length === 0) {
    streams.stderr.write(`dicekit: no label files (.png, .nii, .nii.gz, .npy) in ${command.predictionDirectory} and ${command.groundTruthDirectory}\n`);
    return EXIT_USAGE;
  }
  const code = emit(run.records, run.failures, command.scoring, command, streams);
  if (!command.quiet) {
    const { timing } = run;
    const seconds = (milliseconds: number): string => (milliseconds / 1000).toFixed(2);
    const busy = timing.readMilliseconds + timing.countMilliseconds;
    const share = busy > 0 ? Math.round((100 * timing.readMilliseconds) / busy) : 0;
    streams.stderr.write(
      `dicekit: ${run.records.length} scored, ${run.failures.length} failed in ${seconds(timing.wallMilliseconds)} s on ${timing.workers} worker(s); ` +
        `read+decode ${seconds(timing.readMilliseconds)} s (${share}%), count ${seconds(timing.countMilliseconds)} s (summed over workers)\n`,
    );
  }
  return code;
}

function runMerge(command: MergeCommand, streams: CliStreams): number {
  const parts = command.files.map((file) => {
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`cannot read statistics file ${file}: ${(error as Error).message}`);
    }
    return { ...fromStatisticsFile(value, file), source: file };
  });
  const merged = mergeStatistics(parts);
  checkWritable(command);
  return emit(merged.records, merged.failures, merged.scoring, command, streams);
}

/**
 * Runs the `dicekit` command line (`argv` without node and the script) and returns the exit code:
 * 0 all cases scored, 1 some failed (reported, the rest scored), 2 bad usage or a fatal error.
 */
export async function runCli(argv: readonly string[], streams: CliStreams): Promise<number> {
  try {
    const command = parseArguments(argv);
    switch (command.command) {
      case 'help':
        streams.stdout.write(HELP_TEXT);
        return EXIT_OK;
      case 'version':
        streams.stdout.write(`${JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version}\n`);
        return EXIT_OK;
      case 'eval':
        return await runEval(command, streams);
      case 'merge':
        return runMerge(command, streams);
    }
  } catch (error) {
    const message = isDiceKitError(error) || error instanceof Error ? error.message : String(error);
    streams.stderr.write(`dicekit: ${message}\n`);
    return EXIT_USAGE;
  }
}
