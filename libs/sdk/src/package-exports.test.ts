/**
 * The built package's entry points as Node resolves them through `exports` (`npm run build`
 * first): `@heyyo/sdk` and `@heyyo/sdk/compat/tegrabox`, each with what it should export.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runScript } from '../../../test/support/run-script.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const SCRIPT = `
const sdk = await import('@heyyo/sdk');
const compat = await import('@heyyo/sdk/compat/tegrabox');
const client = new compat.default({ apiKey: 'cb_key:cbs_secret' });
console.log(JSON.stringify({
  sdk: { HeyyoClient: typeof sdk.HeyyoClient, ChatClient: typeof sdk.ChatClient },
  compat: {
    default: compat.default.name,
    namespaces: ['users', 'rooms', 'messages', 'auth', 'socket'].filter((name) => typeof client[name] === 'object'),
    errors: ['AuthenticationError', 'NotFoundError', 'ValidationError', 'ConflictError', 'ServerError', 'NetworkError', 'WebSocketError']
      .filter((name) => new compat[name]('x', 0) instanceof sdk.HeyyoError && new compat[name]('x', 0).name === name),
  },
}));
`;

describe('@heyyo/sdk entry points', () => {
  it('resolves @heyyo/sdk/compat/tegrabox in Node: ChatClient by default, the tegrabox errors by name', async () => {
    const result = await runScript(['--input-type=module', '-e', SCRIPT], {}, REPO_ROOT);
    expect(result.code, result.output).toBe(0);
    expect(JSON.parse(result.output)).toEqual({
      sdk: { HeyyoClient: 'function', ChatClient: 'undefined' },
      compat: {
        default: 'ChatClient',
        namespaces: ['users', 'rooms', 'messages', 'auth', 'socket'],
        errors: ['AuthenticationError', 'NotFoundError', 'ValidationError', 'ConflictError', 'ServerError', 'NetworkError', 'WebSocketError'],
      },
    });
  });
});
