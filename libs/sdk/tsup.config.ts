import { defineConfig } from 'tsup';

// One ESM file and one declaration file. The shared contracts are compiled in, so
// socket.io-client is the package's only runtime dependency.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  target: 'es2022',
  platform: 'neutral',
  dts: true,
  noExternal: ['@heyyo/contracts'],
  external: ['socket.io-client'],
  clean: true,
  sourcemap: true,
});
