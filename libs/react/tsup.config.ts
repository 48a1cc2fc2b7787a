import { defineConfig } from 'tsup';

// One ESM file and its declarations. React, the SDK and react-virtual stay imports: the app's bundler has them once.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  target: 'es2022',
  platform: 'browser',
  dts: true,
  external: ['react', 'react-dom', 'react/jsx-runtime', '@heyyo/sdk', '@tanstack/react-virtual'],
  // Hooks and effects: React Server Components frameworks (Next.js app router) must run it on the client.
  banner: { js: "'use client';" },
  clean: true,
  sourcemap: true,
});
