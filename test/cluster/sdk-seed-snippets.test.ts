import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp, TestUser } from '../support/factories.ts';
import { fetchRequester } from '../support/node-context.ts';
import { useNodeProcess } from '../support/node-process-context.ts';

const FIXTURES = new URL('../fixtures/', import.meta.url);
const SDK_DIST = fileURLToPath(new URL('../../libs/sdk/dist/index.js', import.meta.url));
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** How long a snippet may take to finish (or to print what it should). */
const SNIPPET_TIMEOUT_MS = 15_000;

interface Run {
  /** The exit code, or null when the test killed the process. */
  code: number | null;
  output: string;
  /** True when the process was still running at the deadline (or the wanted line) and was killed. */
  killed: boolean;
}

/**
 * The SDK snippets of seeds 001 and 000, byte for byte (test/fixtures/sdk-snippet-*.mjs),
 * run with `node` against one node with every role, as `npm start` runs. Only the
 * placeholders change: the https:// apiUrl, '<USER_JWT>' and '<CHANNEL_ID>'.
 */
describe("the seeds' SDK snippets", () => {
  const ctx = useNodeProcess('sdk_snippets');
  const request = fetchRequester(() => ctx.url);
  let app: TestApp;
  const temporaryFiles: string[] = [];
  const running = new Set<ReturnType<typeof spawn>>();

  beforeAll(async () => {
    if (!existsSync(SDK_DIST)) throw new Error(`${SDK_DIST} is missing: run \`npm run build\` first (the snippets import the built @heyyo/sdk)`);
    app = await ctx.newApp('Snippets');
  });

  afterEach(() => {
    for (const child of running) child.kill('SIGKILL');
    running.clear();
    for (const file of temporaryFiles.splice(0)) rmSync(file, { force: true });
  });

  /**
   * Copies the fixture next to itself (so `@heyyo/sdk` resolves through the workspace's
   * node_modules) with the placeholders filled in, and returns the copy's path.
   */
  function prepare(fixture: string, values: { token: string; channelId?: string }): string {
    const source = readFileSync(new URL(fixture, FIXTURES), 'utf8');
    const apiUrl = /apiUrl: '(https:\/\/[^']+)'/g;
    expect(source.match(apiUrl), `${fixture} has one https:// apiUrl`).toHaveLength(1);
    expect(source, `${fixture} has the '<USER_JWT>' placeholder`).toContain("'<USER_JWT>'");
    let script = source.replace(apiUrl, () => `apiUrl: '${ctx.url}'`).replaceAll("'<USER_JWT>'", () => `'${values.token}'`);
    if (values.channelId !== undefined) {
      expect(source, `${fixture} has the '<CHANNEL_ID>' placeholder`).toContain("'<CHANNEL_ID>'");
      script = script.replaceAll("'<CHANNEL_ID>'", () => `'${values.channelId}'`);
    }
    const path = fileURLToPath(new URL(`${fixture.replace(/\.mjs$/, '')}.run-${randomBytes(4).toString('hex')}.mjs`, FIXTURES));
    writeFileSync(path, script);
    temporaryFiles.push(path);
    return path;
  }

  /** Runs the script; resolves on exit, or kills it once `until` matches the output or at the deadline. */
  function run(path: string, until?: RegExp): Promise<Run> {
    const child = spawn(process.execPath, [path], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    let output = '';
    let killed = false;
    return new Promise((resolve) => {
      const kill = () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        killed = true;
        child.kill('SIGTERM');
      };
      const timer = setTimeout(kill, SNIPPET_TIMEOUT_MS);
      const onData = (chunk: Buffer) => {
        output += chunk;
        if (until?.test(output)) kill();
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        running.delete(child);
        resolve({ code, output, killed });
      });
    });
  }

  /** A script that should finish by itself: exit code 0 before the deadline. */
  function expectExitedCleanly(result: Run) {
    expect(
      result.killed,
      `the snippet was still running ${SNIPPET_TIMEOUT_MS / 1000} s after it started, so it was killed ` +
        '(a finished script must exit by itself; an open HeyyoClient socket is what keeps Node running). ' +
        `Output:\n${result.output}`,
    ).toBe(false);
    expect(result.code, result.output).toBe(0);
  }

  const channelsOf = async (user: TestUser) => {
    const response = await request('GET', '/api/channels', { token: user.token });
    expect(response.status).toBe(200);
    return response.body as { id: string; name: string; type: string; description: string | null }[];
  };

  const messagesOf = async (user: TestUser, channelId: string) => {
    const response = await request('GET', `/api/channels/${channelId}/messages?limit=100`, { token: user.token });
    expect(response.status).toBe(200);
    return response.body as { id: string; text: string | null; user_id: string; seq: number }[];
  };

  it('001 quickstart: creates "general", sends "Hello from the SDK" and prints its message.new', async () => {
    const user = await ctx.newUser(app);
    const script = prepare('sdk-snippet-quickstart.mjs', { token: user.token });

    // The snippet keeps its socket open to listen: it is killed once the line is out.
    const line = new RegExp(`^message\\.new (${UUID})$`, 'm');
    const result = await run(script, line);

    const channels = await channelsOf(user);
    expect(channels.map(({ name, type }) => ({ name, type }))).toEqual([{ name: 'general', type: 'messaging' }]);
    const messages = await messagesOf(user, channels[0]!.id);
    expect(messages.map(({ text, user_id }) => ({ text, user_id }))).toEqual([{ text: 'Hello from the SDK', user_id: user.id }]);

    expect(result.code === null || result.killed, `the snippet ended by itself (code ${result.code}):\n${result.output}`).toBe(true);
    // The snippet subscribes after `await client.messages.send(…)`: the event must still reach it.
    expect(line.exec(result.output)?.[1], `no "message.new <id>" line within ${SNIPPET_TIMEOUT_MS / 1000} s; output:\n${result.output}`).toBe(
      messages[0]!.id,
    );
    expect(result.output.trim(), 'nothing else is printed').toBe(`message.new ${messages[0]!.id}`);
  });

  it('001 channels.list(): prints the channels of the user', async () => {
    const user = await ctx.newUser(app);
    const channel = await ctx.newChannel(user, { name: 'listed-channel', type: 'messaging' });
    const script = prepare('sdk-snippet-list-channels.mjs', { token: user.token });

    const result = await run(script);

    expect(result.output).toContain(`id: '${channel.id}'`);
    expect(result.output).toContain(`name: 'listed-channel'`);
    expect(result.output).toContain(`type: 'messaging'`);
    expectExitedCleanly(result);
  });

  it('001 typed client: creates "general" with a description and sends "Hello world"', async () => {
    const user = await ctx.newUser(app);
    const script = prepare('sdk-snippet-create-and-send.mjs', { token: user.token });

    const result = await run(script);

    const channels = await channelsOf(user);
    expect(channels.map(({ name, type, description }) => ({ name, type, description }))).toEqual([
      { name: 'general', type: 'messaging', description: 'Company-wide chat' },
    ]);
    const messages = await messagesOf(user, channels[0]!.id);
    expect(messages.map(({ text, user_id }) => ({ text, user_id }))).toEqual([{ text: 'Hello world', user_id: user.id }]);
    expect(result.output, 'the snippet prints nothing').toBe('');
    expectExitedCleanly(result);
  });

  it('000 migration: sends "Hello!" to <CHANNEL_ID>', async () => {
    const user = await ctx.newUser(app);
    const channel = await ctx.newChannel(user, { name: 'migrated', type: 'messaging' });
    const script = prepare('sdk-snippet-migration-send.mjs', { token: user.token, channelId: channel.id });

    const result = await run(script);

    const messages = await messagesOf(user, channel.id);
    expect(messages.map(({ text, user_id, seq }) => ({ text, user_id, seq }))).toEqual([{ text: 'Hello!', user_id: user.id, seq: 1 }]);
    expect(result.output, 'the snippet prints nothing').toBe('');
    expectExitedCleanly(result);
  });
});
