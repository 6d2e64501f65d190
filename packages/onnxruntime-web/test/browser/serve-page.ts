// A static server for the browser test: the bundled page entry, onnxruntime-web's dist files and the
// golden case files, on 127.0.0.1 (WebGPU needs a secure context: localhost qualifies).
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const ortDist = dirname(require.resolve('onnxruntime-web'));
const casesDirectory = join(dirname(require.resolve('@dicekit/conformance/package.json')), 'cases', 'golden');

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json', '.html': 'text/html' };

const PAGE = `<!doctype html><html><head><meta charset="utf-8">
<script type="importmap">{ "imports": { "onnxruntime-web": "/ort/ort.all.min.mjs" } }</script>
<script type="module" src="/bundle.js"></script></head><body>dicekit onnxruntime-web browser test</body></html>`;

/** Bundles the page entry and serves it; returns the base URL and a close function. */
export async function servePage(): Promise<{ url: string; close: () => Promise<void> }> {
  const bundle = await build({
    entryPoints: [join(here, 'page-entry.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['source'],
    external: ['onnxruntime-web'],
    write: false,
    logLevel: 'silent',
  });
  const bundleText = bundle.outputFiles[0]!.text;
  const server: Server = createServer((request, response) => {
    void (async () => {
      const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname));
      let body: string | Buffer;
      let type = 'text/plain';
      try {
        if (path === '/') [body, type] = [PAGE, TYPES['.html']!];
        else if (path === '/bundle.js') [body, type] = [bundleText, TYPES['.js']!];
        else if (path.startsWith('/ort/')) [body, type] = [await readFile(join(ortDist, path.slice(5))), TYPES[extname(path)] ?? type];
        else if (path.startsWith('/cases/')) [body, type] = [await readFile(join(casesDirectory, path.slice(7))), TYPES['.json']!];
        else throw new Error('not found');
      } catch {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
