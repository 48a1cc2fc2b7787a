import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useNodeProcess } from '../support/node-process-context.ts';
import { runScript } from '../support/run-script.ts';

const QUICKSTART = fileURLToPath(new URL('../fixtures/seed-quickstart.mjs', import.meta.url));
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/**
 * The Node quickstart of seed 001, byte for byte, against one node with every role, as `npm start`
 * runs: with Postgres and Redis, and as on a machine with only Node (embedded Postgres, memory engine).
 */
describe.each([
  { engine: 'Postgres and Redis', env: {} as Record<string, string>, ready: /"database":"configured [^"]+","engine":"redis / },
  {
    engine: 'embedded Postgres and the memory engine',
    env: { HEYYO_EMBEDDED_POSTGRES: '1', HEYYO_MEMORY_ENGINE: '1' },
    ready: /"database":"embedded [^"]+","engine":"memory"/,
  },
])("the seed's quickstart script on $engine", ({ env, ready }) => {
  const ctx = useNodeProcess('quickstart', env);

  it('prints the REST message id, the WS ack id and message.new lines', async () => {
    expect(ctx.node.output()).toMatch(ready);
    const app = await ctx.newApp('Quickstart');
    const { code, output } = await runScript([QUICKSTART], {
      CB_BASE_URL: ctx.url,
      CB_API_KEY: app.api_key,
      CB_API_SECRET: app.api_secret,
    });

    expect(code, output).toBe(0);
    const restId = new RegExp(`^REST message created: (${UUID})$`, 'm').exec(output)?.[1];
    const ackId = new RegExp(`^WS message ack: (${UUID})$`, 'm').exec(output)?.[1];
    expect(restId, output).toBeDefined();
    expect(ackId, output).toBeDefined();
    expect(output).toMatch(/^WS connected: \S+$/m);
    expect(output).toContain(`WS message.new: ${ackId} Hello from WebSocket ⚡`);
    expect(output).not.toContain('WS send error');
    expect(output).not.toContain('connect_error');
    expect(output.trim().endsWith('done')).toBe(true);
  });
});
