// Worker thread entry: receives tasks one at a time, answers with counts (small transferable arrays).
import { parentPort, workerData } from 'node:worker_threads';
import { createTaskScratch, runTask } from './run-task.js';
import type { EvaluationSettings, EvaluationTask, TaskResult } from './task-types.js';

const settings = workerData as EvaluationSettings;
const scratch = createTaskScratch();

parentPort?.on('message', (message: { taskIndex: number; task: EvaluationTask }) => {
  const result: TaskResult = runTask(message.task, settings, scratch);
  const transfer = result.ok ? [result.counts.intersection.buffer, result.counts.prediction.buffer, result.counts.target.buffer] : [];
  parentPort?.postMessage({ taskIndex: message.taskIndex, result }, transfer as ArrayBuffer[]);
});
