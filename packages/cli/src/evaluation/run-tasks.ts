import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createTaskScratch, runTask } from './run-task.js';
import type { EvaluationSettings, EvaluationTask, TaskResult } from './task-types.js';

/** Called as each task finishes (in completion order; results are also returned in task order). */
export type TaskListener = (taskIndex: number, result: TaskResult) => void;

/** The ESM entry of tsx's register API (`require.resolve` would give its CommonJS one). */
function tsxEsmApi(from: string): string {
  const manifestPath = createRequire(from).resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports: Record<string, { import?: { default?: string } }> };
  const relativePath = manifest.exports['./esm/api']?.import?.default ?? './dist/esm/api/index.mjs';
  return pathToFileURL(join(dirname(manifestPath), relativePath)).href;
}

// One bundle per process: building it costs ~50 ms, a tsx-loaded worker ~1 s per thread.
let sourceWorkerCode: string | null = null;

/**
 * From TypeScript sources (tests, the dev bin), each worker would need tsx's loader, which costs
 * about a second per thread; bundling the worker entry once with esbuild (a dev dependency) makes
 * workers start as fast as from dist. Falls back to registering tsx in the worker.
 */
function sourceWorker(here: string, settings: EvaluationSettings): Worker {
  const entry = fileURLToPath(new URL('./case-worker.ts', here));
  try {
    if (sourceWorkerCode === null) {
      const esbuild = createRequire(here)('esbuild') as typeof import('esbuild');
      const built = esbuild.buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', conditions: ['source'], write: false, logLevel: 'silent' });
      sourceWorkerCode = (built.outputFiles[0] as { text: string }).text;
    }
    return new Worker(new URL(`data:text/javascript,${encodeURIComponent(sourceWorkerCode)}`), { workerData: settings });
  } catch {
    // Node 20 does not apply `--import tsx` hooks to a worker's own entry: register tsx first.
    const bootstrap = `import(${JSON.stringify(tsxEsmApi(here))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(pathToFileURL(entry).href)}); });`;
    return new Worker(bootstrap, { eval: true, workerData: settings, execArgv: ['--conditions=source'] });
  }
}

function createWorker(settings: EvaluationSettings): Worker {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return sourceWorker(here, settings);
  return new Worker(new URL('./case-worker.js', here), { workerData: settings });
}

async function runInline(tasks: readonly EvaluationTask[], settings: EvaluationSettings, listener?: TaskListener): Promise<TaskResult[]> {
  const scratch = createTaskScratch();
  const results: TaskResult[] = [];
  for (let index = 0; index < tasks.length; index++) {
    const result = runTask(tasks[index] as EvaluationTask, settings, scratch);
    results.push(result);
    listener?.(index, result);
    // Let timers (the progress bar) run between cases.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return results;
}

/**
 * Runs `tasks` on `workers` worker threads (0: on this thread), each worker taking the next task as
 * soon as it is free, and returns the results in task order, so aggregation is deterministic
 * whatever the scheduling. A worker that dies (out of memory, say) fails only its current task; a
 * fresh worker takes over the rest.
 */
export async function runTasks(
  tasks: readonly EvaluationTask[],
  settings: EvaluationSettings,
  workers: number,
  listener?: TaskListener,
): Promise<TaskResult[]> {
  if (workers <= 0) return runInline(tasks, settings, listener);
  const results = new Array<TaskResult | undefined>(tasks.length);
  let next = 0;
  let finished = 0;
  const live = new Set<Worker>();
  return new Promise<TaskResult[]>((resolve) => {
    const settle = (taskIndex: number, result: TaskResult): void => {
      if (results[taskIndex] !== undefined) return;
      results[taskIndex] = result;
      finished++;
      listener?.(taskIndex, result);
      if (finished === tasks.length) {
        for (const worker of live) void worker.terminate();
        live.clear();
        resolve(results as TaskResult[]);
      }
    };
    const start = (): void => {
      const worker = createWorker(settings);
      live.add(worker);
      let current = -1;
      const feed = (): void => {
        if (next >= tasks.length) {
          current = -1;
          live.delete(worker);
          void worker.terminate();
          return;
        }
        current = next++;
        worker.postMessage({ taskIndex: current, task: tasks[current] });
      };
      worker.on('message', (message: { taskIndex: number; result: TaskResult }) => {
        settle(message.taskIndex, message.result);
        feed();
      });
      const lost = (reason: string): void => {
        if (!live.has(worker)) return;
        live.delete(worker);
        if (current >= 0) settle(current, { ok: false, reason: `worker failed: ${reason}`, readMilliseconds: 0, countMilliseconds: 0 });
        if (next < tasks.length) start();
      };
      worker.on('error', (error) => lost(error.message));
      worker.on('exit', (code) => lost(`exited with code ${code}`));
      feed();
    };
    if (tasks.length === 0) {
      resolve([]);
      return;
    }
    for (let index = 0; index < Math.min(workers, tasks.length); index++) start();
  });
}
