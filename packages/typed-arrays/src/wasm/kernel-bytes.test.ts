import { describe, expect, it } from 'vitest';
import { assembleKernel } from './assemble-kernel.js';
import { KERNEL_WASM_BASE64 } from './kernel-bytes.js';

describe('the committed WebAssembly bytes', () => {
  it('are what wabt assembles from src/wasm/kernel-source.ts now (run pnpm build:wasm after editing it)', async () => {
    const bytes = await assembleKernel();
    expect(Buffer.from(bytes).toString('base64')).toBe(KERNEL_WASM_BASE64);
  });
});
