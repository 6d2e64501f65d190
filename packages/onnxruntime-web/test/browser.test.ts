import { describe, expect, it } from 'vitest';
import { chromiumAvailable, runInBrowser } from './browser/run-browser.js';

// Headless Chromium runs the golden cases on onnxruntime-web's wasm EP and on its WebGPU EP
// (SwiftShader). Each run takes 40-80 s on a loaded 2-core machine. It runs whenever Chromium is there
// (/usr/bin/chromium or CHROMIUM_PATH; .ci/run installs it); DICEKIT_BROWSER=0 turns it off for quick
// local runs. Full-size cases are skipped here (the Node suite runs them); DICEKIT_BROWSER_LARGE=1 adds them.
const enabled = process.env.DICEKIT_BROWSER !== '0' && chromiumAvailable;
const files = ['kornia.json', 'metrics.json', 'monai.json', 'nnunet.json', 'smp.json', 'spec.json', ...(process.env.DICEKIT_BROWSER_LARGE === '1' ? ['large.json'] : [])];
const maxElements = process.env.DICEKIT_BROWSER_LARGE === '1' ? Number.POSITIVE_INFINITY : 1_000_000;

describe.skipIf(!enabled)('golden cases in headless Chromium (on unless DICEKIT_BROWSER=0)', () => {
  for (const provider of ['wasm', 'webgpu'] as const) {
    it(
      `onnxruntime-web ${provider} EP (${provider === 'webgpu' ? 'onnxruntime-web-webgpu' : 'onnxruntime-web'})`,
      async () => {
        const summary = await runInBrowser(provider, files, maxElements);
        if (provider === 'webgpu') expect(summary.adapter).toMatch(/adapter/);
        expect(summary.failures).toEqual([]);
        expect(summary.passed).toBeGreaterThan(300);
      },
      1_200_000,
    );
  }
});
