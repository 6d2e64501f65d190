/** Where things live in the kernels' WebAssembly memory. */
/**
 * Byte offsets in one thread's frame of the kernel's memory (the kernels add the instance's `frame`
 * global to the scratch addresses; the main thread's frame is 0): the result slot and the data chunks.
 */
export const WASM_LAYOUT = {
  result: 1024,
  /** Elements per chunk copied in (float32 input and target) and out (float32 gradient). */
  chunkElements: 16384,
  input: 65536,
  target: 65536 + 4 * 16384,
  gradient: 65536 + 8 * 16384,
  /** One thread's frame in 64 KiB pages (the softmax kernels' regions follow the chunks: `SOFTMAX_LAYOUT`). */
  pages: 6,
} as const;

/** Threads the kernels can run on at most: each has its own frame of `WASM_LAYOUT.pages` pages. */
export const MAX_KERNEL_THREADS = 8;

/**
 * The shared parts of the memory after the frames: the job block the drivers read (`driver-source.ts`)
 * and the thread pool's control words, then the heap of `kernelMemory()` arrays.
 */
export const MEMORY_LAYOUT = {
  job: MAX_KERNEL_THREADS * WASM_LAYOUT.pages * 65536,
  control: MAX_KERNEL_THREADS * WASM_LAYOUT.pages * 65536 + 1024,
  heap: (MAX_KERNEL_THREADS * WASM_LAYOUT.pages + 1) * 65536,
  /** Initial size in pages (untouched pages cost no physical memory). */
  pages: MAX_KERNEL_THREADS * WASM_LAYOUT.pages + 1,
  /** Largest size in pages: 4 GiB, all that 32-bit WebAssembly addresses. */
  maximumPages: 65536,
} as const;

/** The target a kernel reads: float32 values, int32 labels or uint8 labels. */
export type KernelTarget = 'dense' | 'labels' | 'labels8';
