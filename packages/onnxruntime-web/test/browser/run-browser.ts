// Launches headless Chromium on the served page and runs the golden cases there.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { servePage } from './serve-page.js';
import type { BrowserRunSummary } from './page-entry.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM);

const BASE_ARGUMENTS = ['--headless', '--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const WEBGPU_ARGUMENTS = ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--enable-features=Vulkan', '--use-angle=swiftshader'];

/** Runs `files` on `executionProvider` in a fresh headless Chromium; cases above `maxElements` are skipped. */
export async function runInBrowser(
  executionProvider: 'wasm' | 'webgpu',
  files: string[],
  maxElements: number,
  idFilter?: string,
): Promise<BrowserRunSummary & { adapter: string; log: string[] }> {
  const server = await servePage();
  const profile = mkdtempSync(join(tmpdir(), 'dicekit-chromium-'));
  const args = [...BASE_ARGUMENTS, ...(executionProvider === 'webgpu' ? WEBGPU_ARGUMENTS : ['--disable-gpu'])];
  const browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args, headless: true });
  const log: string[] = [];
  try {
    const page = await browser.newPage();
    page.on('console', (message) => log.push(`${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => log.push(`pageerror: ${error.message}`));
    await page.goto(server.url);
    await page.waitForFunction(() => 'dicekitBrowser' in globalThis, undefined, { timeout: 60_000 });
    const adapter = await page.evaluate(() => (globalThis as unknown as { dicekitBrowser: { webgpuAdapter(): Promise<string> } }).dicekitBrowser.webgpuAdapter());
    const summary = await page.evaluate(
      ([provider, caseFiles, limit, filter]) =>
        (globalThis as unknown as { dicekitBrowser: { runConformance(...args: unknown[]): Promise<BrowserRunSummary> } }).dicekitBrowser.runConformance(provider, caseFiles, limit, filter),
      [executionProvider, files, maxElements, idFilter] as const,
    );
    return { ...summary, adapter, log };
  } finally {
    await browser.close();
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

// Manual run: tsx --conditions=source test/browser/run-browser.ts webgpu [maxElements] [idFilter]
if (process.argv[1]?.endsWith('run-browser.ts')) {
  const provider = (process.argv[2] ?? 'wasm') as 'wasm' | 'webgpu';
  const files = (process.env.CASE_FILES ?? 'kornia.json,metrics.json,monai.json,nnunet.json,smp.json,spec.json').split(',');
  const result = await runInBrowser(provider, files, Number(process.argv[3] ?? 1_000_000), process.argv[4]);
  console.log(JSON.stringify({ ...result, log: result.log.slice(0, 20) }, null, 1));
}
