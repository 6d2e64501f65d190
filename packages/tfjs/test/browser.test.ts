import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goldenCaseFiles } from '@dicekit/conformance/node';
import { build } from 'esbuild';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
// large.json (two 20.48M-voxel cases) runs only on request: on SwiftShader (software GPU) it takes
// minutes; the Node conformance tests cover it on cpu and wasm for both code paths.
const includeLarge = process.env.DICEKIT_BROWSER_LARGE === '1';

/**
 * Golden cases skipped on webgpu, with the reason: tfjs-backend-webgpu 4.22 on SwiftShader returns
 * wrong values for these programs (softmax over the channel axis in the compound terms and in the
 * channels-last label-map cases). The same code passes every case on cpu, wasm and webgl; the list is
 * checked both ways (a listed case that starts passing fails the test, so it gets removed).
 */
const WEBGPU_SWIFTSHADER_KNOWN_WRONG = [
  'metric_monai_iou_15_dense_onehot_3d_channels_last',
  'monai_dice_ce_02_lambdas',
  'monai_dice_ce_09_sum',
  'monai_dice_ce_12_3d',
  'nnunet_dcce_01_trainer_default',
  'nnunet_dcce_02_softdice_batch',
  'nnunet_dcce_04_ignore_label',
  'nnunet_dcce_05_ignore_softdice_batch_bg',
  'nnunet_dcce_07_ce_weight0',
  'nnunet_dcce_08_3d_ignore',
  'nnunet_sdl_16_channels_last',
  'spec_classes_07_diceCE_1_3',
  'spec_compound_04_focal_softmax_alpha_classes_nobg',
  'spec_compound_18_focal_softmax_ignore_minus1_alpha',
  'spec_compound_20_ce_softmax_labels_sum',
  'spec_compound_22_focal_softmax_labels_sum_mask_batch',
  'spec_dicece_01_labels_ignore',
  'spec_dicece_05_lambdas_batch',
  'spec_dicece_08_nobg_channels_last',
  'spec_dicece_09_mask_weights',
  'spec_dicefocal_13_softmax_labels',
  'spec_dicefocal_14_softmax_ignore',
  'spec_extreme_11_diceCE_softmax_50',
  'spec_extreme_13_diceFocal_softmax_50',
  'spec_extreme_25_diceCE_softmax_1e3',
  'spec_ignore_07_diceCE_ignore255_per_sample',
  'spec_layout_04_dice_3d_channels_last_labels',
  'spec_layout_05_jaccard_1d_channels_last_labels',
  'spec_layout_09_tversky_1d_channels_last_labels',
  'spec_layout_12_tversky_3d_channels_last_labels',
  'spec_layout_13_generalizedDice_1d_channels_last_labels',
  'spec_layout_16_generalizedDice_3d_channels_last_labels',
  'spec_layout_18_logCoshDice_2d_channels_last_labels',
  'spec_layout_20_logCoshDice_3d_channels_last_labels',
  'spec_layout_21_diceCE_1d_channels_last_labels',
  'spec_layout_22_diceCE_2d_channels_last_labels',
  'spec_layout_25_diceFocal_1d_channels_last_labels',
];

let server: Server;
let origin = '';
let bundle = '';
let browser: BrowserContext | undefined;
let profile = '';

async function startServer(): Promise<void> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./browser/browser-page.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    conditions: ['source'],
    external: ['@tensorflow/tfjs-backend-wasm'],
    logLevel: 'silent',
  });
  bundle = result.outputFiles[0]?.text ?? '';
  server = createServer((request, response) => {
    if (request.url === '/bundle.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' });
      response.end(bundle);
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end('<!doctype html><html><body><script type="module" src="/bundle.js"></script></body></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
}

function caseDocuments(): Array<{ name: string; text: string }> {
  return goldenCaseFiles()
    .filter((file) => includeLarge || basename(file) !== 'large.json')
    .map((file) => ({ name: basename(file), text: readFileSync(file, 'utf8') }));
}

describe.skipIf(!available)('headless Chromium (SwiftShader): webgl and webgpu', () => {
  beforeAll(async () => {
    await startServer();
    profile = mkdtempSync(join(tmpdir(), 'dicekit-chromium-'));
    // A fresh profile directory per run (playwright's persistent context owns --user-data-dir).
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--enable-unsafe-webgpu',
        '--use-webgpu-adapter=swiftshader',
        '--enable-features=Vulkan',
        '--use-angle=swiftshader',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
    if (profile !== '') rmSync(profile, { recursive: true, force: true });
  });

  for (const backend of ['tfjs-webgl', 'tfjs-webgpu'] as const) {
    it(`${backend}: golden cases pass and a training step runs without leaks`, async () => {
      const page = await (browser as BrowserContext).newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(String(error)));
      await page.goto(origin);
      await page.waitForFunction(() => (globalThis as unknown as { dicekitReady?: boolean }).dicekitReady === true, undefined, { timeout: 30_000 });
      const summary = await page.evaluate(
        async ([name, documents]) =>
          (globalThis as unknown as { runDicekit: (n: string, d: unknown) => Promise<Record<string, unknown>> }).runDicekit(name, documents),
        [backend, caseDocuments()] as const,
      );
      const known = backend === 'tfjs-webgpu' ? WEBGPU_SWIFTSHADER_KNOWN_WRONG : [];
      const failures = summary.failures as string[];
      const failedIds = failures.map((failure) => failure.slice(0, failure.indexOf(':')));
      summary.failures = failures.filter((_, index) => !known.includes(failedIds[index] as string));
      summary.failed = (summary.failed as number) - (failures.length - (summary.failures as string[]).length);
      // Known-wrong cases that pass now must leave the list.
      expect(known.filter((id) => !failedIds.includes(id))).toEqual([]);
      await page.close();
      expect(errors).toEqual([]);
      expect(summary.backend).toBe(backend === 'tfjs-webgl' ? 'webgl' : 'webgpu');
      expect(summary.failures).toEqual([]);
      expect(summary.trainingError).toBeNull();
      expect(summary.failed).toBe(0);
      expect(summary.passed as number).toBeGreaterThan(280);
      expect((summary.trainingLosses as number[]).every(Number.isFinite)).toBe(true);
      expect(Number.isFinite(summary.customLoopLoss)).toBe(true);
      expect(summary.leakedTensors).toBe(0);
    }, 240_000);
  }
});
