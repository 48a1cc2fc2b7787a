import { defineConfig } from 'tsup';

// One ESM file and one declaration file. The shared contracts are compiled in (their
// schemas tree-shaken away), so socket.io-client is the package's only runtime dependency;
// the declarations name @sinclair/typebox's types (the contracts' types are Static<> of
// their schemas), hence its place in `dependencies`. `@heyyo/sdk/webhooks` (webhooks.ts) is
// verifyWebhook alone, for servers that receive webhooks without loading the client.
export default defineConfig({
  entry: ['src/index.ts', 'src/webhooks.ts'],
  format: ['esm'],
  target: 'es2022',
  platform: 'neutral',
  dts: true,
  noExternal: ['@heyyo/contracts'],
  external: ['socket.io-client'],
  clean: true,
  sourcemap: true,
});
