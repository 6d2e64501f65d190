import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommandLine, UsageError, type CommandLineOptions } from './cli-options.js';
import { FOREGROUND_CLASS_NAMES, generateSegmentationSet } from './data/synthetic-segmentation.js';
import { drawMaskGrid } from './image/mask-grid-figure.js';
import { drawTrainingCurves } from './image/training-curves-figure.js';
import { ProgressBar } from './report/progress-bar.js';
import { formatResultsTable } from './report/results-table.js';
import { EXPERIMENT_LOSSES } from './training/loss-catalog.js';
import { trainModel, type TrainingRun } from './training/train-model.js';
import { useWasmBackend } from './training/wasm-backend.js';

async function main(): Promise<void> {
  const defaultOut = resolve(fileURLToPath(new URL('..', import.meta.url)), 'out');
  const options = parseCommandLine(process.argv.slice(2), defaultOut);
  const losses = options.losses.map((key) => {
    const loss = EXPERIMENT_LOSSES.find((candidate) => candidate.key === key);
    if (loss === undefined) throw new UsageError(`unknown loss '${key}' (known: ${EXPERIMENT_LOSSES.map((candidate) => candidate.key).join(', ')})`);
    return loss;
  });
  const started = performance.now();
  await useWasmBackend();
  const train = generateSegmentationSet({ count: options.trainCount, seed: options.seed });
  const validation = generateSegmentationSet({ count: options.validationCount, seed: options.seed + 1_000_003 });
  console.log(
    `dicekit train-node${options.quick ? ' (--quick)' : ''}: ${options.trainCount} training / ${options.validationCount} validation images ` +
      `${train.size}×${train.size}, classes ${FOREGROUND_CLASS_NAMES.join(', ')}; U-Net (${options.baseFilters} base filters), ` +
      `Adam ${options.learningRate}, ${options.epochs} epochs of batch ${options.batchSize}, seed ${options.seed}, tfjs wasm backend`,
  );
  const stepsPerEpoch = Math.floor(options.trainCount / options.batchSize);
  const totalSteps = losses.length * options.epochs * stepsPerEpoch;
  const bar = new ProgressBar(process.stdout, totalSteps);
  const runs: TrainingRun[] = [];
  for (const [index, loss] of losses.entries()) {
    const run = await trainModel(loss, train, validation, options, (progress) => {
      const done = (index * options.epochs + progress.epoch) * stepsPerEpoch + progress.step + 1;
      bar.update(done, `${loss.label}: epoch ${progress.epoch + 1}/${options.epochs}, loss ${progress.loss.toFixed(4)}`);
    });
    runs.push(run);
  }
  bar.finish();
  const table = formatResultsTable(runs, FOREGROUND_CLASS_NAMES);
  console.log(`\nValidation scores (hard masks, sigmoid >= 0.5; Dice/IoU micro over ${options.validationCount} images, macro = mean of per-image Dice):\n`);
  console.log(table);
  mkdirSync(options.outDirectory, { recursive: true });
  writeFileSync(join(options.outDirectory, 'results.md'), `${table}\n`);
  writeFileSync(join(options.outDirectory, 'results.json'), `${JSON.stringify(resultsJson(options, runs), null, 2)}\n`);
  // Show images that hold both classes first: they are where the losses differ most.
  const shown = [...Array(validation.count).keys()]
    .sort((a, b) => Number((validation.classFractions[b * 2 + 1] as number) > 0) - Number((validation.classFractions[a * 2 + 1] as number) > 0) || a - b)
    .slice(0, 6)
    .sort((a, b) => a - b);
  const figures = {
    'predictions.png': drawMaskGrid(validation, runs, FOREGROUND_CLASS_NAMES, shown),
    'training-curves.png': drawTrainingCurves(runs, FOREGROUND_CLASS_NAMES),
  };
  for (const [name, raster] of Object.entries(figures)) writeFileSync(join(options.outDirectory, name), raster.toPng());
  console.log(`\nWrote ${Object.keys(figures).map((name) => join(options.outDirectory, name)).join(', ')} and results.md/json.`);
  const cpu = process.cpuUsage();
  console.log(`Total ${((performance.now() - started) / 1000).toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU.`);
}

function resultsJson(options: CommandLineOptions, runs: readonly TrainingRun[]) {
  return {
    settings: options,
    classes: FOREGROUND_CLASS_NAMES,
    runs: runs.map((run) => ({
      loss: run.loss.key,
      label: run.loss.label,
      description: run.loss.description,
      seconds: run.seconds,
      epochLosses: run.epochLosses,
      validationDicePerEpoch: run.validationDice,
      diceMicro: run.final.diceMicro,
      diceMacro: run.final.diceMacro,
      iouMicro: run.final.iouMicro,
      iouMacro: run.final.iouMacro,
    })),
  };
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(error.message);
    process.exitCode = 2;
  } else {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  }
});
