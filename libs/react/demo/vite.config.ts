import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The demo page the node serves at `/` (libs/react/demo/dist). It imports @heyyo/react from
 * source, so it builds without the kit's own build; @heyyo/sdk is its built package.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  logLevel: 'warn',
  resolve: {
    alias: { '@heyyo/react': fileURLToPath(new URL('../src/index.ts', import.meta.url)) },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // A demo page: no source maps to serve.
    sourcemap: false,
  },
});
