/** The built @heyyo/sdk (`dist`, as published) bundled for the browser, as an app's bundler makes it. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const SDK_DIST = fileURLToPath(new URL('../../libs/sdk/dist/index.js', import.meta.url));

/**
 * One browser ESM file of the SDK and, unless `external`, its socket.io-client.
 * @returns its text and the files that went into it.
 */
export async function bundleSdk(options: { minify?: boolean; external?: string[] } = {}): Promise<{ code: string; inputs: string[] }> {
  if (!existsSync(SDK_DIST)) throw new Error(`${SDK_DIST} is missing: run \`npm run build\` first`);
  const result = await build({
    entryPoints: [SDK_DIST],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: options.minify ?? false,
    external: options.external ?? [],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return { code: result.outputFiles[0]!.text, inputs: Object.keys(result.metafile.inputs) };
}
