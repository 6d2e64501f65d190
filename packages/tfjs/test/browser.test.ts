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
      // Every golden case on both backends. (webgpu needs int32/bool casts written to float32
      // buffers, see `materialisedFloat` in src/internal/working-tensors.ts: tensorflow/tfjs#8638.)
      await page.close();
      expect(errors).toEqual([]);
      expect(summary.backend).toBe(backend === 'tfjs-webgl' ? 'webgl' : 'webgpu');
      expect(summary.failures).toEqual([]);
      expect(summary.trainingError).toBeNull();
      expect(summary.failed).toBe(0);
      expect(summary.passed as number).toBeGreaterThan(320);
      expect((summary.trainingLosses as number[]).every(Number.isFinite)).toBe(true);
      expect(Number.isFinite(summary.customLoopLoss)).toBe(true);
      expect(summary.leakedTensors).toBe(0);
    }, 240_000);
  }
});
