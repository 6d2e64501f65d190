import { DiceKitError } from '@dicekit/core';
import { MEMORY_LAYOUT } from '../wasm/layout.js';
import { wasmKernel, type WasmKernel } from '../wasm/wasm-kernel.js';

/**
 * Typed arrays that live in the WebAssembly kernels' own memory. The kernels read such arrays where
 * they are, with no copy into their memory first, and worker threads (`setKernelThreads`) can share
 * the work on them. Fill them like any typed array (decode a volume straight into one, or `.set()`
 * your data once and reuse it); free them when done.
 */
export interface KernelMemory {
  /** A zero-filled `Float32Array` of `length` elements in kernel memory (predictions, dense targets, gradients). */
  float32(length: number): Float32Array;
  /** A zero-filled `Uint8Array` (label maps of up to 256 classes, binary dense targets). */
  uint8(length: number): Uint8Array;
  /** A zero-filled `Int32Array` (label maps). */
  int32(length: number): Int32Array;
  /** Returns an array made by this object to the free space. Using the array afterwards is a bug (its memory is reused). */
  free(array: ArrayBufferView): void;
  /** Whether `array` (or any view of the same memory) lives in kernel memory. */
  holds(array: ArrayBufferView): boolean;
  /** Bytes currently allocated (64-byte aligned) and the memory's size. */
  usage(): { readonly allocated: number; readonly memoryBytes: number };
}

const ALIGNMENT = 64;
const PAGE = 65536;

/** First-fit allocator over `[MEMORY_LAYOUT.heap, memory end)`, growing the memory when full. */
class Heap {
  /** Free ranges `[start, end)`, sorted and coalesced. */
  private readonly free: Array<[number, number]> = [];
  private readonly blocks = new Map<number, number>();
  private allocated = 0;
  /** Every ArrayBuffer object of this memory handed out (growing a shared memory gives a new object). */
  readonly buffers = new WeakSet<object>();

  constructor(private readonly wasm: WasmKernel) {
    const end = wasm.memory.buffer.byteLength;
    if (end > MEMORY_LAYOUT.heap) this.free.push([MEMORY_LAYOUT.heap, end]);
    this.buffers.add(wasm.memory.buffer);
  }

  allocate(bytes: number): number {
    const size = Math.max(ALIGNMENT, Math.ceil(bytes / ALIGNMENT) * ALIGNMENT);
    let index = this.free.findIndex(([start, end]) => end - start >= size);
    if (index < 0) index = this.grow(size);
    const range = this.free[index] as [number, number];
    const address = range[0];
    range[0] += size;
    if (range[0] === range[1]) this.free.splice(index, 1);
    this.blocks.set(address, size);
    this.allocated += size;
    return address;
  }

  release(address: number): boolean {
    const size = this.blocks.get(address);
    if (size === undefined) return false;
    this.blocks.delete(address);
    this.allocated -= size;
    let index = this.free.findIndex(([start]) => start > address);
    if (index < 0) index = this.free.length;
    this.free.splice(index, 0, [address, address + size]);
    // Coalesce with the neighbours.
    const next = this.free[index + 1];
    const current = this.free[index] as [number, number];
    if (next !== undefined && next[0] === current[1]) {
      current[1] = next[1];
      this.free.splice(index + 1, 1);
    }
    const previous = this.free[index - 1];
    if (previous !== undefined && previous[1] === current[0]) {
      previous[1] = current[1];
      this.free.splice(index, 1);
    }
    return true;
  }

  /** Grows the memory so that a free range of `size` bytes exists at its end; returns that range's index. */
  private grow(size: number): number {
    const end = this.wasm.memory.buffer.byteLength;
    const last = this.free[this.free.length - 1];
    const tail = last !== undefined && last[1] === end ? last[1] - last[0] : 0;
    const pages = Math.ceil((size - tail) / PAGE);
    if (end / PAGE + pages > MEMORY_LAYOUT.maximumPages) {
      throw new DiceKitError('E_OPTION', `kernel memory cannot grow by ${size} bytes: WebAssembly memory holds at most 4 GiB (${this.allocated} bytes are allocated)`);
    }
    try {
      this.wasm.memory.grow(pages);
    } catch {
      throw new DiceKitError('E_OPTION', `kernel memory cannot grow by ${pages * PAGE} bytes: the runtime refused (out of memory?)`);
    }
    this.buffers.add(this.wasm.memory.buffer);
    const newEnd = this.wasm.memory.buffer.byteLength;
    if (tail > 0) (last as [number, number])[1] = newEnd;
    else this.free.push([end, newEnd]);
    return this.free.length - 1;
  }

  usage() {
    return { allocated: this.allocated, memoryBytes: this.wasm.memory.buffer.byteLength };
  }
}

let heap: Heap | null = null;

function checkedLength(length: number, kind: string): number {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new DiceKitError('E_OPTION', `kernelMemory().${kind}(length): length must be a non-negative integer, got ${String(length)}`);
  }
  return length;
}

/** The heap, or null where the kernels' memory cannot be shared or WebAssembly SIMD is missing. */
export function kernelHeap(): Heap | null {
  if (heap !== null) return heap;
  const wasm = wasmKernel();
  if (wasm === null || !wasm.shared) return null;
  heap = new Heap(wasm);
  return heap;
}

/** The byte address of `array` in kernel memory, or -1 when it lives elsewhere. */
export function kernelAddress(array: ArrayBufferView): number {
  return heap !== null && heap.buffers.has(array.buffer) ? array.byteOffset : -1;
}

/** Scratch bytes in kernel memory for one call (released with {@link releaseScratch}). */
export function allocateScratch(bytes: number): number {
  return (kernelHeap() as Heap).allocate(bytes);
}

export function releaseScratch(address: number): void {
  (kernelHeap() as Heap).release(address);
}

let instance: KernelMemory | null = null;

/**
 * The kernels' memory, for arrays the kernels read without copying (see {@link KernelMemory}). Needs
 * WebAssembly SIMD and shared WebAssembly memory: Node, or a cross-origin-isolated browser page;
 * elsewhere it throws `E_OPTION` (use ordinary typed arrays there: the results are the same).
 */
export function kernelMemory(): KernelMemory {
  if (instance !== null) return instance;
  const owner = kernelHeap();
  if (owner === null) {
    throw new DiceKitError(
      'E_OPTION',
      `kernelMemory() needs WebAssembly SIMD and shared WebAssembly memory (SharedArrayBuffer: Node, or a cross-origin-isolated page); this runtime has ${
        wasmKernel() === null ? 'no WebAssembly SIMD' : 'no shared memory'
      }`,
    );
  }
  const buffer = (wasm: WasmKernel) => wasm.memory.buffer as ArrayBuffer;
  const wasm = wasmKernel() as WasmKernel;
  const make = <T>(kind: string, length: number, bytesPerElement: number, view: (buffer: ArrayBuffer, offset: number, length: number) => T): T => {
    const address = owner.allocate(checkedLength(length, kind) * bytesPerElement);
    new Uint8Array(buffer(wasm), address, Math.max(ALIGNMENT, length * bytesPerElement)).fill(0);
    return view(buffer(wasm), address, length);
  };
  instance = {
    float32: (length) => make('float32', length, 4, (b, offset, count) => new Float32Array(b, offset, count)),
    uint8: (length) => make('uint8', length, 1, (b, offset, count) => new Uint8Array(b, offset, count)),
    int32: (length) => make('int32', length, 4, (b, offset, count) => new Int32Array(b, offset, count)),
    free(array) {
      if (!ArrayBuffer.isView(array) || !owner.buffers.has(array.buffer) || !owner.release(array.byteOffset)) {
        throw new DiceKitError('E_OPTION', 'kernelMemory().free(array): the array was not allocated by kernelMemory() (or was freed already)');
      }
    },
    holds: (array) => ArrayBuffer.isView(array) && owner.buffers.has(array.buffer),
    usage: () => owner.usage(),
  };
  return instance;
}
