import { DiceKitError } from '@dicekit/core';
import { MAX_KERNEL_THREADS, MEMORY_LAYOUT, WASM_LAYOUT } from '../wasm/layout.js';
import { wasmKernel, type WasmKernel } from '../wasm/wasm-kernel.js';

/**
 * Control words of the pool, int32 at `MEMORY_LAYOUT.control`: 0 the job generation (workers wait on
 * it), 1 how many workers finished the current job (the caller waits on it), 2 how many workers are
 * ready, 3 how many workers take part (`active - 1`), 4 the driver's index in `drivers`, 5 the next
 * item to take (an atomic counter: every thread takes blocks of `BLOCK` items until `END`), 6 `END`,
 * 7 `BLOCK`, 32 + k worker k's `bad`.
 */
const GENERATION = 0;
const FINISHED = 1;
const READY = 2;
const PARTICIPANTS = 3;
const DRIVER = 4;
const NEXT = 5;
const END = 6;
const BLOCK = 7;
const BAD = 32;
/** Loads of the generation word a worker makes before it sleeps (roughly 50-100 microseconds). */
const SPIN = 20000;
/** A worker's `bad` when its driver trapped (a kernel bug): the caller throws. */
const WORKER_FAILED = 2;

// Runs in each worker (Node worker_threads, `eval`): instantiates the kernels on the shared memory in
// its own frame, then per job generation takes blocks of items until none is left. It never returns
// to its event loop, and the worker is unref'd, so it does not keep the process alive.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, index, control, frameBytes, names } = workerData;
const instance = new WebAssembly.Instance(module, { env: { memory } });
instance.exports.frame.value = index * frameBytes;
const words = new Int32Array(memory.buffer, control, 64);
// Read the generation before saying ready: a job posted right after must count as new.
let seen = Atomics.load(words, ${GENERATION});
Atomics.add(words, ${READY}, 1);
Atomics.notify(words, ${READY});
for (;;) {
  // Spin briefly before sleeping: a staged call posts its next stage within microseconds, and waking
  // from Atomics.wait costs tens of them.
  for (let spin = 0; spin < ${SPIN} && Atomics.load(words, ${GENERATION}) === seen; spin++);
  Atomics.wait(words, ${GENERATION}, seen);
  const generation = Atomics.load(words, ${GENERATION});
  if (generation === seen) continue;
  seen = generation;
  if (index > Atomics.load(words, ${PARTICIPANTS})) continue;
  const drive = instance.exports['drive_' + names[words[${DRIVER}]]];
  const end = words[${END}];
  const block = words[${BLOCK}];
  let bad = 0;
  try {
    for (;;) {
      const from = Atomics.add(words, ${NEXT}, block);
      if (from >= end) break;
      bad |= drive(from, Math.min(from + block, end));
    }
  } catch {
    bad = ${WORKER_FAILED};
  }
  words[${BAD} + index] = bad;
  Atomics.add(words, ${FINISHED}, 1);
  Atomics.notify(words, ${FINISHED});
}
`;

interface NodeWorker {
  unref(): void;
  terminate(): Promise<number>;
  on(event: 'error', listener: (error: unknown) => void): void;
}
type WorkerConstructor = new (source: string, options: { eval: true; workerData: unknown }) => NodeWorker;

/** Node's Worker class, or null outside Node (browsers cannot block their main thread on a worker). */
function nodeWorkerClass(): WorkerConstructor | null {
  const process = (globalThis as { process?: { getBuiltinModule?: (name: string) => unknown } }).process;
  const module = process?.getBuiltinModule?.('node:worker_threads') as { Worker?: WorkerConstructor; isMainThread?: boolean } | undefined;
  return module?.Worker ?? null;
}

const workers: NodeWorker[] = [];
/** Threads in use (the caller plus `active - 1` workers); idle workers are kept for a later increase. */
let active = 1;
let failure: unknown = null;
/** How long the caller waits for the workers of one call (its own part is done by then). */
const WORKER_TIMEOUT = 120_000;
/** How many calls were split over worker threads in this process (the tests check it). */
export const parallelRuns = { count: 0 };
/**
 * Below this many elements a call runs on one thread: waking the workers and joining them cost about
 * 0.2-0.4 ms here (`pnpm bench`, shape A of 2^18 elements: 2 threads 2x slower than 1). The tests
 * lower it to reach the split on small arrays.
 */
export const parallelThreshold = { elements: 1 << 21 };

function control(wasm: WasmKernel): Int32Array {
  return new Int32Array(wasm.memory.buffer, MEMORY_LAYOUT.control, 64);
}

/** The number of threads the kernels use on arrays in kernel memory (1 = the calling thread only). */
export function kernelThreads(): number {
  return active;
}

/**
 * Sets how many threads the WebAssembly kernels use on large calls (2^21 elements and more): the
 * calling thread plus `count - 1` worker threads sharing the kernels' memory. Arrays in kernel memory
 * (`kernelMemory()`) are read in place; ordinary arrays are copied in stage by stage by the calling
 * thread while the others compute. The call stays synchronous (the caller waits for the workers with
 * `Atomics.wait`) and the results do not depend on the count: every run of voxels sums into its own
 * slot and the slots are added in order.
 * Needs Node (worker_threads) and shared WebAssembly memory; `count` 1 works everywhere. Workers are
 * started once and kept (idle, unref'd: they never keep the process alive) when the count goes down.
 * Returns the count now in effect.
 */
export function setKernelThreads(count: number): number {
  if (!Number.isInteger(count) || count < 1 || count > MAX_KERNEL_THREADS) {
    throw new DiceKitError('E_OPTION', `setKernelThreads(count): count must be an integer from 1 to ${MAX_KERNEL_THREADS}, got ${String(count)}`);
  }
  if (count <= workers.length + 1) {
    active = count;
    return active;
  }
  const wasm = wasmKernel();
  const Worker = nodeWorkerClass();
  if (wasm === null || !wasm.shared || Worker === null) {
    throw new DiceKitError(
      'E_OPTION',
      `setKernelThreads(${count}) needs Node's worker_threads and shared WebAssembly memory; this runtime has ${
        Worker === null ? 'no worker_threads' : 'no shared WebAssembly memory'
      } (1 thread still works)`,
    );
  }
  const words = control(wasm);
  while (workers.length < count - 1) {
    const index = workers.length + 1;
    const expected = Atomics.load(words, READY) + 1;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { module: wasm.module, memory: wasm.memory, index, control: MEMORY_LAYOUT.control, frameBytes: WASM_LAYOUT.pages * 65536, names: wasm.driverNames },
    });
    worker.on('error', (error) => {
      failure = error;
    });
    worker.unref();
    workers.push(worker);
    // Wait (at most 10 s) until it has instantiated the kernels.
    const deadline = Date.now() + 10000;
    while (Atomics.load(words, READY) < expected && failure === null && Date.now() < deadline) Atomics.wait(words, READY, expected - 1, 50);
    if (Atomics.load(words, READY) < expected) {
      void worker.terminate();
      workers.pop();
      throw new DiceKitError('E_OPTION', `setKernelThreads(${count}): worker ${index} did not start (${String(failure ?? 'timeout')})`);
    }
  }
  active = count;
  return active;
}

/** A job posted to the workers: help with it, then join it. */
export interface PostedItems {
  /** Takes blocks of the job's items on the calling thread until none is left. */
  help(): void;
  /** Waits for the workers; returns the OR of every `bad` flag (the caller's included). */
  join(): number;
}

/**
 * Posts `drive_<driver>` over items `[from, to)` (the job block already written) to the workers,
 * without waiting: the caller may do other work (copy the next chunk in) before `help` and `join`.
 * With no worker, `help` runs every item. Items are taken in blocks from a shared counter, so the
 * threads share the work whatever each one's speed; every item writes its own result slot, so the
 * results do not depend on who ran what.
 */
export function postItems(wasm: WasmKernel, driver: string, from: number, to: number): PostedItems {
  const drive = wasm.drivers[driver];
  if (drive === undefined) throw new Error(`dicekit: no driver ${driver}`);
  const helpers = active - 1;
  const words = control(wasm);
  // Blocks of about an eighth of a thread's share (at least one item): few atomic operations, even finish.
  const block = Math.max(1, Math.floor((to - from) / (8 * active)));
  let bad = 0;
  if (helpers > 0) {
    parallelRuns.count++;
    words[DRIVER] = wasm.driverNames.indexOf(driver);
    words[END] = to;
    words[BLOCK] = block;
    Atomics.store(words, PARTICIPANTS, helpers);
    Atomics.store(words, NEXT, from);
    Atomics.store(words, FINISHED, 0);
    Atomics.add(words, GENERATION, 1);
    Atomics.notify(words, GENERATION);
  }
  return {
    help() {
      if (helpers === 0) {
        bad |= drive(from, to);
        return;
      }
      for (;;) {
        const start = Atomics.add(words, NEXT, block);
        if (start >= to) break;
        bad |= drive(start, Math.min(start + block, to));
      }
    },
    join() {
      if (helpers === 0) return bad;
      const deadline = Date.now() + WORKER_TIMEOUT;
      for (;;) {
        const finished = Atomics.load(words, FINISHED);
        if (finished >= helpers) break;
        // A worker that never finishes is a bug: fail loudly instead of hanging the caller.
        if (failure !== null || Date.now() > deadline) throw new Error(`dicekit: a kernel worker did not finish its part of ${driver} (${String(failure ?? 'timeout')}); please report this`);
        Atomics.wait(words, FINISHED, finished, 1000);
      }
      for (let worker = 1; worker <= helpers; worker++) bad |= words[BAD + worker] as number;
      if ((bad & WORKER_FAILED) !== 0) throw new Error(`dicekit: the kernel driver ${driver} trapped in a worker thread; please report this`);
      return bad;
    },
  };
}

/** Whether a call of `elements` elements is split over the pool (it has workers, and the call is large). */
export function splitsCall(elements: number): boolean {
  return active > 1 && elements >= parallelThreshold.elements;
}

/**
 * Runs `drive_<driver>` over items `[0, items)` (the job block already written): on the calling
 * thread alone, or shared with the pool's workers when it has some and the call is large
 * (`elements`). Returns the OR of the drivers' `bad` flags.
 */
export function runItems(wasm: WasmKernel, driver: string, items: number, elements: number): number {
  if (!splitsCall(elements) || items < 2) {
    const drive = wasm.drivers[driver];
    if (drive === undefined) throw new Error(`dicekit: no driver ${driver}`);
    return drive(0, items);
  }
  const posted = postItems(wasm, driver, 0, items);
  posted.help();
  return posted.join();
}
