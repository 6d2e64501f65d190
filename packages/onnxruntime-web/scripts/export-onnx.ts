// Writes the .onnx models of one loss (statistics, gradient, whole loss) or one metric to a folder:
//   pnpm export-onnx <loss|metric:name> '<options JSON>' <spatialRank> <folder> [mask] [gradient] [targetType]
// e.g. pnpm export-onnx dice '{"activation":"softmax","targetFormat":"labels"}' 3 ./models mask int64
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LossName, MetricName } from '@dicekit/core';
import { exportLossModels, exportMetricModel } from '../src/export/export-models.js';
import type { TargetType } from '../src/graphs/graph-variant.js';

const [name = 'dice', optionsText = '{}', rankText = '3', folder = 'onnx-models', ...flags] = process.argv.slice(2);
const options = JSON.parse(optionsText) as Record<string, unknown>;
const targetType = flags.find((flag) => ['float32', 'float16', 'uint8', 'int32', 'int64'].includes(flag)) as TargetType | undefined;
const settings = { spatialRank: Number(rankText), mask: flags.includes('mask'), gradient: flags.includes('gradient'), ...(targetType === undefined ? {} : { targetType }) };
mkdirSync(folder, { recursive: true });
if (name.startsWith('metric:')) {
  const metric = name.slice(7) as MetricName;
  const path = join(folder, `${metric}-metric-statistics.onnx`);
  writeFileSync(path, exportMetricModel(metric, options, settings));
  console.log(`wrote ${path}`);
} else {
  const models = exportLossModels(name as LossName, options, settings);
  for (const [part, bytes] of Object.entries(models)) {
    const path = join(folder, `${name}-${part}.onnx`);
    writeFileSync(path, bytes);
    console.log(`wrote ${path} (${bytes.length} bytes)`);
  }
}
