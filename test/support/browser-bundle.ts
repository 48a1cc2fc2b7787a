/** Heyyo's built packages bundled for the browser, as an app's bundler makes them. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const SDK_DIST = fileURLToPath(new URL('../../libs/sdk/dist/index.js', import.meta.url));
export const REACT_DIST = fileURLToPath(new URL('../../libs/react/dist/index.js', import.meta.url));

export interface BrowserBundle {
  code: string;
  /** The files that went into it. */
  inputs: string[];
}

export interface BundleOptions {
  minify?: boolean;
  external?: string[];
  /** React's build: 'development' reports misuse (keys, hooks) as console errors. @defaultValue 'production' */
  mode?: 'development' | 'production';
  /** Packages replaced by others wherever they are imported (with their subpaths), e.g. another React. */
  alias?: Record<string, string>;
}

/** One browser ESM file of `entry` and what it imports, but `external`; JSX compiles to React's automatic runtime. */
export async function bundleForBrowser(entry: string, options: BundleOptions = {}): Promise<BrowserBundle> {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': JSON.stringify(options.mode ?? 'production') },
    minify: options.minify ?? false,
    external: options.external ?? [],
    alias: options.alias ?? {},
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return { code: result.outputFiles[0]!.text, inputs: Object.keys(result.metafile.inputs) };
}

/** The built @heyyo/sdk (`dist`, as published) and, unless `external`, its socket.io-client. */
export const bundleSdk = (options: BundleOptions = {}) => bundleForBrowser(SDK_DIST, options);
