import { createStatistics, MetricAccumulator, nanMean, type AccumulatedMetrics, type PairStatistics } from '@dicekit/core';
import type { CaseRecord } from '../evaluation/case-record.js';
import type { CaseFailure } from '../evaluation/pair-cases.js';
import type { CaseReport, ClassSummary, EvaluationReport, Summary } from './report-types.js';
import { accumulatorOptions, selectedClasses, type ScoringOptions } from './scoring-options.js';

/** Mean, population standard deviation (numpy's default) and count of the non-NaN values. */
export function summarize(values: readonly number[]): Summary {
  const kept = values.filter((value) => !Number.isNaN(value));
  if (kept.length === 0) return { mean: Number.NaN, std: Number.NaN, count: 0 };
  const mean = kept.reduce((sum, value) => sum + value, 0) / kept.length;
  const variance = kept.reduce((sum, value) => sum + (value - mean) ** 2, 0) / kept.length;
  return { mean, std: Math.sqrt(variance), count: kept.length };
}

/** The `[cases, C]` statistics of records, as core's accumulator takes them. */
export function statisticsOf(records: readonly CaseRecord[], channels: number): PairStatistics {
  const statistics = createStatistics(records.length, channels, { squared: false, absoluteDifference: false });
  records.forEach((record, row) => {
    statistics.intersection.set(record.intersection, row * channels);
    statistics.prediction.set(record.prediction, row * channels);
    statistics.target.set(record.target, row * channels);
  });
  return statistics;
}

/** Core accumulators (dice and iou) holding the records' statistics, in record order. */
export function accumulatorsOf(records: readonly CaseRecord[], scoring: ScoringOptions): { dice: MetricAccumulator; iou: MetricAccumulator } {
  const options = accumulatorOptions(scoring);
  const dice = new MetricAccumulator('dice', options);
  const iou = new MetricAccumulator('iou', options);
  if (records.length > 0) {
    const statistics = statisticsOf(records, scoring.channels);
    const ids = records.map((record) => record.id);
    dice.addStatistics(statistics, ids);
    iou.addStatistics(statistics, ids);
  }
  return { dice, iou };
}

function column(metrics: AccumulatedMetrics | null, field: 'scores' | 'precision' | 'recall', row: number, columnIndex: number, columns: number): number {
  return metrics === null ? Number.NaN : (metrics[field].data[row * columns + columnIndex] as number);
}

/**
 * Per-case, per-class and dataset results from case statistics. All scores come from core
 * (`MetricAccumulator.compute`, i.e. `metricFromStatistics`): the CLI only counts voxels.
 */
export function buildReport(records: readonly CaseRecord[], failures: readonly CaseFailure[], scoring: ScoringOptions): EvaluationReport {
  const classes = selectedClasses(scoring);
  const columns = classes.length;
  const { dice, iou } = accumulatorsOf(records, scoring);
  const diceResults = records.length > 0 ? dice.compute() : null;
  const iouResults = records.length > 0 ? iou.compute() : null;
  const cases: CaseReport[] = records.map((record, row) => ({
    id: record.id,
    prediction: record.predictionPath,
    groundTruth: record.groundTruthPath,
    shape: record.shape,
    voxelVolumeMl: record.voxelVolumeMl,
    ignoredVoxels: record.ignored,
    warnings: record.warnings,
    classes: classes.map((classIndex, columnIndex) => {
      const predictedVoxels = record.prediction[classIndex] as number;
      const trueVoxels = record.target[classIndex] as number;
      return {
        classIndex,
        name: scoring.classNames[classIndex] ?? String(classIndex),
        dice: column(diceResults, 'scores', row, columnIndex, columns),
        iou: column(iouResults, 'scores', row, columnIndex, columns),
        precision: column(diceResults, 'precision', row, columnIndex, columns),
        recall: column(diceResults, 'recall', row, columnIndex, columns),
        predictedVoxels,
        trueVoxels,
        predictedMl: record.voxelVolumeMl === null ? null : predictedVoxels * record.voxelVolumeMl,
        trueMl: record.voxelVolumeMl === null ? null : trueVoxels * record.voxelVolumeMl,
      };
    }),
  }));
  const perClass: ClassSummary[] = classes.map((classIndex, columnIndex) => {
    const values = (field: 'dice' | 'iou' | 'precision' | 'recall'): number[] => cases.map((item) => (item.classes[columnIndex] as CaseReport['classes'][number])[field]);
    return {
      classIndex,
      name: scoring.classNames[classIndex] ?? String(classIndex),
      dice: summarize(values('dice')),
      iou: summarize(values('iou')),
      precision: summarize(values('precision')),
      recall: summarize(values('recall')),
      microDice: diceResults === null ? Number.NaN : (diceResults.micro.data[columnIndex] as number),
      microIou: iouResults === null ? Number.NaN : (iouResults.micro.data[columnIndex] as number),
      macroDice: diceResults === null ? Number.NaN : (diceResults.macro.data[columnIndex] as number),
      macroIou: iouResults === null ? Number.NaN : (iouResults.macro.data[columnIndex] as number),
    };
  });
  return {
    format: 'dicekit-eval-report/1',
    scoring: {
      numClasses: scoring.channels,
      classes,
      includeBackground: scoring.includeBackground,
      emptyPolicy: scoring.emptyPolicy,
      ignoreIndex: scoring.ignoreIndex,
    },
    cases,
    perClass,
    dataset: {
      microDice: nanMean(perClass.map((item) => item.microDice)),
      microIou: nanMean(perClass.map((item) => item.microIou)),
      macroDice: nanMean(perClass.map((item) => item.macroDice)),
      macroIou: nanMean(perClass.map((item) => item.macroIou)),
    },
    failures: failures.map((failure) => ({ id: failure.id, reason: failure.reason })),
    counts: { scored: records.length, failed: failures.length },
  };
}
