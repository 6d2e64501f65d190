/**
 * The read floor of the bench: WebAssembly SIMD loops that only read two float32 arrays (an unsigned
 * max over their bits, four 16-byte loads per array per iteration, nothing else), on one thread and on
 * two (a worker over the same shared memory). No Dice kernel can read its input and target faster on
 * this machine, so `floor / copy` shows how close to the copy target reading alone comes.
 */
import { Worker } from 'node:worker_threads';
import wabtFactory from 'wabt';

// The package's tsconfig has no DOM or WebAssembly value typings.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const WasmApi = (globalThis as unknown as { WebAssembly: any }).WebAssembly;

const WAT = `(module
 (import "env" "memory" (memory 1 65536 shared))
 (func (export "read") (param $a i32) (param $b i32) (param $bytes i32) (result i32)
  (local $end i32) (local $x v128) (local $y v128)
  (local.set $end (i32.add (local.get $a) (local.get $bytes)))
  (local.set $b (i32.sub (local.get $b) (local.get $a)))
  (block $done (loop $next
   (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
   (local.set $x (i32x4.max_u (local.get $x) (i32x4.max_u (v128.load (local.get $a)) (v128.load offset=16 (local.get $a)))))
   (local.set $y (i32x4.max_u (local.get $y) (i32x4.max_u (v128.load offset=32 (local.get $a)) (v128.load offset=48 (local.get $a)))))
   (local.set $x (i32x4.max_u (local.get $x) (i32x4.max_u (v128.load (i32.add (local.get $a) (local.get $b))) (v128.load offset=16 (i32.add (local.get $a) (local.get $b))))))
   (local.set $y (i32x4.max_u (local.get $y) (i32x4.max_u (v128.load offset=32 (i32.add (local.get $a) (local.get $b))) (v128.load offset=48 (i32.add (local.get $a) (local.get $b))))))
   (local.set $a (i32.add (local.get $a) (i32.const 64)))
   (br $next)))
  (i32x4.extract_lane 0 (i32x4.max_u (local.get $x) (local.get $y)))))`;

const WORKER = `
const { workerData } = require('node:worker_threads');
const { module, memory, control } = workerData;
const { exports } = new WebAssembly.Instance(module, { env: { memory } });
const words = new Int32Array(control);
let seen = 0;
for (;;) {
  Atomics.wait(words, 0, seen);
  seen = Atomics.load(words, 0);
  exports.read(words[2], words[3], words[4]);
  Atomics.store(words, 1, seen);
  Atomics.notify(words, 1);
}`;

export interface ReadFloor {
  /** Reads `elements` float32 of both arrays on one thread. */
  one(): void;
  /** The same split over this thread and one worker. */
  two(): void;
  close(): void;
}

/** Two arrays of `elements` float32 in a shared WebAssembly memory, filled with `fill`. */
export async function readFloor(elements: number): Promise<ReadFloor> {
  const wabt = await wabtFactory();
  const parsed = wabt.parseWat('read-floor.wat', WAT, { simd: true, threads: true });
  const bytes = parsed.toBinary({}).buffer;
  parsed.destroy();
  const module = new WasmApi.Module(bytes);
  const bytesPerArray = Math.ceil((elements * 4) / 64) * 64;
  const memory = new WasmApi.Memory({ initial: Math.ceil((2 * bytesPerArray + 65536) / 65536), maximum: 65536, shared: true });
  const { exports } = new WasmApi.Instance(module, { env: { memory } });
  const read = exports.read as (a: number, b: number, bytes: number) => number;
  const a = 65536;
  const b = a + bytesPerArray;
  new Float32Array(memory.buffer, a, elements).fill(0.5);
  new Float32Array(memory.buffer, b, elements).fill(1);
  const control = new SharedArrayBuffer(64);
  const words = new Int32Array(control);
  const worker = new Worker(WORKER, { eval: true, workerData: { module, memory, control } });
  worker.unref();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const half = Math.floor(bytesPerArray / 128) * 64;
  return {
    one: () => void read(a, b, bytesPerArray),
    two: () => {
      words[2] = a + half;
      words[3] = b + half;
      words[4] = bytesPerArray - half;
      const generation = Atomics.add(words, 0, 1) + 1;
      Atomics.notify(words, 0);
      read(a, b, half);
      while (Atomics.load(words, 1) !== generation) Atomics.wait(words, 1, Atomics.load(words, 1));
    },
    close: () => void worker.terminate(),
  };
}
