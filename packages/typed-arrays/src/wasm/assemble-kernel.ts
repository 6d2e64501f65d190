import { kernelWat } from './kernel-source.js';

/**
 * Assembles the kernel text with wabt (a devDependency: only the build script and the bytes test load
 * it, never the published code).
 */
export async function assembleKernel(): Promise<Uint8Array> {
  const imported = (await import('wabt')) as unknown as { default?: typeof import('wabt') } & typeof import('wabt');
  const createWabt = imported.default ?? imported;
  const wabt = await createWabt();
  const features = { simd: true, threads: true, bulk_memory: true };
  const module = wabt.parseWat('dicekit-kernel.wat', kernelWat(), features);
  try {
    (module.validate as (options?: object) => void)(features);
    return Uint8Array.from(module.toBinary({ canonicalize_lebs: true }).buffer);
  } finally {
    module.destroy();
  }
}
