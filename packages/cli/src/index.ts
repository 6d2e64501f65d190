/**
 * @dicekit/cli: `dicekit eval` (exact Dice/IoU of mask folders, PNG, NIfTI, npy, on worker threads)
 * and `dicekit merge` (combine statistics of runs). The programmatic API below is what the bin uses.
 */
export { runCli, EXIT_OK, EXIT_CASES_FAILED, EXIT_USAGE, type CliStreams } from './cli/run-cli.js';
export { parseArguments, type Command, type EvalCommand, type MergeCommand, type OutputOptions } from './cli/parse-arguments.js';
export { evaluateFolders, DEFAULT_SLAB_VOXELS, type EvaluateFoldersOptions, type EvaluationRun, type EvaluationTiming } from './evaluation/evaluate-folders.js';
export { pairCases, type CasePair, type CaseFailure } from './evaluation/pair-cases.js';
export type { CaseRecord } from './evaluation/case-record.js';
export { countLabelPairs } from './counting/count-label-pairs.js';
export { createLabelCounts, addLabelCounts, type LabelCounts } from './counting/label-counts.js';
export { readLabelVolume } from './readers/read-label-volume.js';
export type { LabelVolume } from './readers/label-volume.js';
export { ScratchBuffer } from './readers/scratch-buffer.js';
export { decodePng, type DecodedPng } from './readers/png-decoder.js';
export { parseNiftiHeader } from './readers/nifti-header.js';
export { parseNpyHeader } from './readers/npy-header.js';
export type { VolumeHeader } from './readers/volume-header.js';
export { parseValueMap, EMPTY_VALUE_MAP, type ValueMap } from './readers/value-map.js';
export type { ElementType, LabelArray } from './readers/element-type.js';
export { buildReport, summarize } from './report/build-report.js';
export { formatReport, REPORT_FORMATS, type ReportFormat } from './report/format-report.js';
export type { EvaluationReport, CaseReport, ClassScores, ClassSummary, Summary } from './report/report-types.js';
export type { ScoringOptions } from './report/scoring-options.js';
export { toStatisticsFile, fromStatisticsFile, mergeStatistics, STATISTICS_FILE_FORMAT, type StatisticsFile } from './report/statistics-file.js';
