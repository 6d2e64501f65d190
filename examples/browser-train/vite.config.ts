import { defaultClientConditions, defineConfig } from 'vite';

// 'source' makes the dicekit workspace packages resolve to their TypeScript sources, so the page
// builds without building them first. Outside this monorepo (published packages) it is harmless.
export default defineConfig({
  resolve: { conditions: ['source', ...defaultClientConditions] },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 4096 },
});
