import { defineConfig } from 'tsup';

// One ESM file and one declaration file per entry: the client, and the drop-in for teams leaving
// @tegrabox/chat-sdk (`@heyyo/sdk/compat/tegrabox`), an entry of its own so that an app importing
// the client ships none of it (code both use goes to a shared chunk). The shared contracts are
// compiled in (their schemas tree-shaken away), so socket.io-client is the package's only runtime
// dependency; the declarations name @sinclair/typebox's types (the contracts' types are Static<>
// of their schemas), hence its place in `dependencies`.
// `@heyyo/sdk/webhooks` (webhooks.ts) is verifyWebhook alone, for servers that receive webhooks
// without loading the client.
export default defineConfig({
  entry: { index: 'src/index.ts', 'compat/tegrabox': 'src/compat/tegrabox/index.ts', webhooks: 'src/webhooks.ts' },
  format: ['esm'],
  target: 'es2022',
  platform: 'neutral',
  dts: true,
  noExternal: ['@heyyo/contracts'],
  external: ['socket.io-client'],
  clean: true,
  sourcemap: true,
});
