import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useNodeProcess } from '../support/node-process-context.ts';
import { runScript } from '../support/run-script.ts';

const QUICKSTART = fileURLToPath(new URL('../../libs/sdk/examples/quickstart.mjs', import.meta.url));
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** libs/sdk/examples/quickstart.mjs, as its header says to run it, against one all-roles node. */
describe('the SDK quickstart example', () => {
  const ctx = useNodeProcess('sdkexample');

  it('mints a token, sends over REST and WebSocket, and hears both messages once, in order', async () => {
    const app = await ctx.newApp('SDK quickstart');
    const { code, output } = await runScript([QUICKSTART], {
      CB_BASE_URL: ctx.url,
      CB_API_KEY: app.api_key,
      CB_API_SECRET: app.api_secret,
    });

    expect(code, output).toBe(0);
    expect(output).toMatch(new RegExp(`^REST message created: ${UUID}$`, 'm'));
    expect(output).toMatch(new RegExp(`^WS message ack: ${UUID}$`, 'm'));
    expect(output).toContain('history: 1:Hello from REST 👋 | 2:Hello from WebSocket ⚡');
    // Sent while disconnected and while connected: each delivered to message.new exactly once.
    expect(output.match(/^message\.new: 1 /gm)).toHaveLength(1);
    expect(output.match(/^message\.new: 2 /gm)).toHaveLength(1);
    expect(output.trim().endsWith('done')).toBe(true);
  });
});
