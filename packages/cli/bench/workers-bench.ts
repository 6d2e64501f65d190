// Bench: `dicekit eval` on 40 generated 256×256×128 uint8 .nii.gz pairs, --workers 1 vs --workers 2,
// alternating runs in this one process; prints medians, min-max, the same-run ratio, and where the
// time goes (read + gunzip + decode vs counting). BENCH_CASES / BENCH_RUNS override the sizes;
// BENCH_SLABS=1 adds one huge uncompressed pair counted by slabs.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { evaluateFolders, type EvaluationRun } from '../src/evaluation/evaluate-folders.js';
import { writeDataset } from '../src/test-support/write-dataset.js';
import { encodeNifti } from '../src/test-support/encode-nifti.js';
import { generateLabelPair } from '../src/test-support/generate-labels.js';

const caseCount = Number(process.env.BENCH_CASES ?? 40);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const shape = [256, 256, 128];

function median(values: readonly number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function seconds(milliseconds: number): string {
  return (milliseconds / 1000).toFixed(2);
}

interface Sample {
  wall: number;
  read: number;
  count: number;
  /** Process CPU time (all threads): cpu / wall is how many cores the run actually got. */
  cpu: number;
}

const CONTROL_CODE = `const { parentPort } = require('node:worker_threads');
parentPort.on('message', (n) => { let x = 0; for (let i = 0; i < n; i++) x = (x + Math.imul(i, 2654435761)) | 0; parentPort.postMessage(x); });`;

/**
 * Control: a short pure CPU loop, 8 jobs on `threads` threads. Its 1-vs-2 ratio shows how much a second
 * thread could get at that moment (below 1×: other jobs hold the cores); thread start-up keeps it
 * under 2× even on an idle machine.
 */
async function controlRun(threads: number): Promise<number> {
  const started = performance.now();
  const workers = Array.from({ length: threads }, () => new Worker(CONTROL_CODE, { eval: true }));
  let next = 0;
  await Promise.all(
    workers.map(
      (worker) =>
        new Promise<void>((resolve) => {
          const feed = (): void => {
            if (next >= 8) {
              void worker.terminate();
              resolve();
              return;
            }
            next++;
            worker.postMessage(5e7);
          };
          worker.on('message', feed);
          feed();
        }),
    ),
  );
  return performance.now() - started;
}

async function compare(title: string, predictionDirectory: string, groundTruthDirectory: string, options: { slabVoxels?: number; workerCounts: readonly number[] }): Promise<void> {
  const samples = new Map<number, Sample[]>(options.workerCounts.map((workers) => [workers, []]));
  const controls: number[] = [];
  // Untimed warm-up: the page cache holds the files and (from sources) the worker bundle is built.
  let reference: EvaluationRun | null = await evaluateFolders({ predictionDirectory, groundTruthDirectory, channels: 4, workers: 2, ...(options.slabVoxels === undefined ? {} : { slabVoxels: options.slabVoxels }) });
  for (let run = 0; run < runs; run++) {
    const controlOne = await controlRun(1);
    const controlTwo = await controlRun(2);
    controls.push(controlOne / controlTwo);
    console.log(`  run ${run + 1} control (pure CPU loop) 1 vs 2 threads: ${(controlOne / controlTwo).toFixed(2)}×`);
    // Alternate the configurations so drifting machine load hits both alike.
    for (const workers of options.workerCounts) {
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      const result = await evaluateFolders({ predictionDirectory, groundTruthDirectory, channels: 4, workers, ...(options.slabVoxels === undefined ? {} : { slabVoxels: options.slabVoxels }) });
      const wall = performance.now() - started;
      const cpuUsed = process.cpuUsage(cpuBefore);
      const cpu = (cpuUsed.user + cpuUsed.system) / 1000;
      if (result.failures.length > 0) throw new Error(`unexpected failures: ${JSON.stringify(result.failures)}`);
      if (reference === null) reference = result;
      else if (JSON.stringify(result.records) !== JSON.stringify(reference.records)) throw new Error('runs disagree');
      samples.get(workers)?.push({ wall, read: result.timing.readMilliseconds, count: result.timing.countMilliseconds, cpu });
      console.log(`  run ${run + 1} workers ${workers}: ${seconds(wall)} s, ${(cpu / wall).toFixed(2)} cores busy (tasks ${result.timing.tasks})`);
    }
  }
  console.log(`\n${title}`);
  console.log('| workers | median wall s | min-max s | cores busy (cpu/wall) | read+decode s (sum) | count s (sum) | read share |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [workers, list] of samples) {
    const walls = list.map((sample) => sample.wall);
    const read = median(list.map((sample) => sample.read));
    const count = median(list.map((sample) => sample.count));
    const busy = median(list.map((sample) => sample.cpu / sample.wall));
    console.log(`| ${workers} | ${seconds(median(walls))} | ${seconds(Math.min(...walls))}-${seconds(Math.max(...walls))} | ${busy.toFixed(2)} | ${seconds(read)} | ${seconds(count)} | ${((100 * read) / (read + count)).toFixed(0)}% |`);
  }
  const one = samples.get(options.workerCounts[0] as number) ?? [];
  const two = samples.get(options.workerCounts[1] as number) ?? [];
  if (one.length > 0 && two.length > 0) {
    const ratio = median(one.map((sample) => sample.wall)) / median(two.map((sample) => sample.wall));
    const perRun = one.map((sample, index) => (sample.wall / (two[index] as Sample).wall).toFixed(2)).join(', ');
    console.log(`\nspeed-up workers ${options.workerCounts[1]} vs ${options.workerCounts[0]}: ${ratio.toFixed(2)}× (median of wall times; per alternating run: ${perRun})`);
    console.log(`control (pure CPU loop, same runs) 2 vs 1 threads: median ${median(controls).toFixed(2)}× (${controls.map((value) => value.toFixed(2)).join(', ')})`);
  }
}

const root = mkdtempSync(join(tmpdir(), 'dicekit-bench-'));
try {
  console.log(`node ${process.version}, ${availableParallelism()} cores; ${caseCount} pairs of ${shape.join('×')} uint8 .nii.gz, ${runs} runs per setting`);
  let started = performance.now();
  if (caseCount > 0) {
    writeDataset(join(root, 'nifti'), { count: caseCount, shape, classes: 4, format: 'nii.gz', seed: 42, noise: 0.0005 });
    console.log(`generated in ${seconds(performance.now() - started)} s`);
    await compare(`### ${caseCount} × ${shape.join('×')} uint8 .nii.gz pairs`, join(root, 'nifti', 'pred'), join(root, 'nifti', 'gt'), { workerCounts: [1, 2] });
  }
  if (process.env.BENCH_SLABS === '1') {
    const hugeShape = [512, 512, 256];
    started = performance.now();
    const pair = generateLabelPair(7, hugeShape, { classes: 4, noise: 0.0005 });
    for (const [folder, data] of [
      ['pred', pair.prediction],
      ['gt', pair.groundTruth],
    ] as const) {
      mkdirSync(join(root, 'huge', folder), { recursive: true });
      writeFileSync(join(root, 'huge', folder, 'huge.nii'), encodeNifti({ shape: hugeShape, datatype: 'uint8', data }));
    }
    console.log(`\ngenerated the huge pair in ${seconds(performance.now() - started)} s`);
    await compare(`### one ${hugeShape.join('×')} uint8 .nii pair, slabs of 2^24 voxels`, join(root, 'huge', 'pred'), join(root, 'huge', 'gt'), { workerCounts: [1, 2] });
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
