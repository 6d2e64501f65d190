// Bundled for the browser test: runs the golden cases against this package's backend on the EP asked
// for, with onnxruntime-web loaded by the page (import map) so the EP build is the page's choice.
import * as ort from 'onnxruntime-web';
import { parseCaseDocument, runCase } from '@dicekit/conformance';
import { createOnnxBackend } from '../../src/conformance-backend.js';

export interface BrowserRunSummary {
  readonly executionProvider: string;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly failures: string[];
  readonly milliseconds: number;
  readonly slowest: Array<[string, number]>;
}

async function runConformance(executionProvider: 'wasm' | 'webgpu', files: string[], maxElements: number, idFilter?: string): Promise<BrowserRunSummary> {
  ort.env.wasm.numThreads = 1;
  const backend = await createOnnxBackend({ name: `onnxruntime-web-${executionProvider}`, ort, executionProviders: [executionProvider] });
  const started = performance.now();
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const failures: string[] = [];
  const durations: Array<[string, number]> = [];
  for (const file of files) {
    const response = await fetch(`/cases/${file}`);
    const cases = parseCaseDocument(await response.json(), file);
    for (const testCase of cases) {
      if (idFilter !== undefined && !testCase.id.includes(idFilter)) continue;
      if (testCase.size > maxElements) {
        skipped++;
        continue;
      }
      const caseStart = performance.now();
      const outcome = await runCase(backend, testCase);
      durations.push([testCase.id, performance.now() - caseStart]);
      if (outcome.status === 'passed') passed++;
      else if (outcome.status === 'skipped') skipped++;
      else {
        failed++;
        failures.push(`${file} ${testCase.id}: ${outcome.reason}`);
      }
    }
  }
  await backend.dispose?.();
  durations.sort((a, b) => b[1] - a[1]);
  return { executionProvider, passed, failed, skipped, failures, milliseconds: performance.now() - started, slowest: durations.slice(0, 3) };
}

async function webgpuAdapter(): Promise<string> {
  const gpu = ((globalThis as unknown as { navigator: unknown }).navigator as { gpu?: { requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string } } | null> } }).gpu;
  if (gpu === undefined) return 'no navigator.gpu';
  const adapter = await gpu.requestAdapter();
  if (adapter === null) return 'no adapter';
  return `adapter ${adapter.info?.vendor ?? '?'} ${adapter.info?.architecture ?? ''}`.trim();
}

/** Debugging aid: runs model bytes on an EP and returns every output as a plain array. */
async function runModel(executionProvider: string, bytes: number[], feeds: Record<string, { type: string; data: number[]; dims: number[] }>): Promise<Record<string, number[]>> {
  const session = await ort.InferenceSession.create(Uint8Array.from(bytes), { executionProviders: [executionProvider] });
  const tensors: Record<string, ort.Tensor> = {};
  for (const [name, feed] of Object.entries(feeds)) {
    tensors[name] = feed.type === 'int32' ? new ort.Tensor('int32', Int32Array.from(feed.data), feed.dims) : new ort.Tensor('float32', Float32Array.from(feed.data), feed.dims);
  }
  const outputs = await session.run(tensors);
  const result: Record<string, number[]> = {};
  for (const [name, tensor] of Object.entries(outputs)) result[name] = Array.from(tensor.data as ArrayLike<number>, Number);
  await session.release();
  return result;
}

(globalThis as unknown as Record<string, unknown>).dicekitBrowser = { runConformance, webgpuAdapter, runModel };
