import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const STEPS = 12;
// In CI the browser must be there; on a developer machine without Chromium the test is skipped.
const browserMissing = !existsSync(chromiumPath) && process.env.CI !== 'true';
if (browserMissing) console.warn(`browser-train test skipped: no Chromium at ${chromiumPath} (set CHROMIUM_PATH)`);
const BATCH = 4;

interface PageState {
  backend: string;
  losses: number[];
  done: boolean;
  error: string | null;
}

describe.skipIf(browserMissing)('browser-train page (Vite build, headless Chromium, webgl)', () => {
  let server: PreviewServer;
  let browser: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    await build({ root, logLevel: 'warn' });
    server = await preview({ root, logLevel: 'warn', preview: { host: '127.0.0.1', port: 0, strictPort: false } });
    profile = mkdtempSync(join(tmpdir(), 'dicekit-browser-train-'));
    // A fresh profile directory per run (playwright's persistent context is how it takes one).
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      viewport: { width: 1200, height: 560 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        // WebGL without a GPU: ANGLE on SwiftShader, Chromium's software renderer.
        '--use-angle=swiftshader',
        '--enable-unsafe-swiftshader',
        '--ignore-gpu-blocklist',
      ],
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
  });

  it(`trains ${STEPS} steps of Dice loss on webgl and the loss falls`, async () => {
    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    const url = server.resolvedUrls?.local[0];
    expect(url).toBeDefined();
    await page.goto(`${url}?loss=dice&steps=${STEPS}&batch=${BATCH}&autostart=1`, { waitUntil: 'domcontentloaded', timeout: 120_000 });
    await page.waitForFunction(
      () => {
        const state = (window as unknown as { dicekitTraining?: PageState }).dicekitTraining;
        return state !== undefined && (state.done || state.error !== null);
      },
      undefined,
      {
        timeout: 240_000,
        polling: 500,
      },
    );
    const state = await page.evaluate(() => (window as unknown as { dicekitTraining: PageState }).dicekitTraining);
    mkdirSync(join(root, 'out'), { recursive: true });
    await page.screenshot({ path: join(root, 'out', 'browser-train.png') });
    expect(consoleErrors).toEqual([]);
    expect(state.error).toBeNull();
    expect(state.backend).toBe('webgl');
    expect(state.losses).toHaveLength(STEPS);
    expect(state.losses.every(Number.isFinite)).toBe(true);
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    const first = mean(state.losses.slice(0, 3));
    const last = mean(state.losses.slice(-3));
    console.log(`browser-train: backend ${state.backend}, Dice loss mean of steps 1-3 ${first.toFixed(4)}, of steps ${STEPS - 2}-${STEPS} ${last.toFixed(4)}`);
    expect(last).toBeLessThan(first);
  }, 300_000);
});
