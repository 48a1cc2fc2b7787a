/** Setting up users and channels over Heyyo's REST API. */
import { randomBytes } from 'node:crypto';
import { BENCH_ADMIN_TOKEN } from './environment.ts';
import { mapLimit } from './processes.ts';

export interface BenchUser {
  index: number;
  id: string;
  token: string;
}

export async function call<T = any>(baseUrl: string, method: string, path: string, body?: unknown, token?: string): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** One app and `count` users of it, each with a 24 h token. */
export async function createUsers(apiUrl: string, count: number): Promise<BenchUser[]> {
  const app = await call<{ api_key: string; api_secret: string }>(
    apiUrl,
    'POST',
    '/api/apps',
    { name: `bench-${randomBytes(3).toString('hex')}` },
    BENCH_ADMIN_TOKEN,
  );
  return mapLimit(Array.from({ length: count }, (_, index) => index), 16, async (index) => {
    const issued = await call<{ token: string; user_id: string }>(apiUrl, 'POST', '/api/auth/token', {
      api_key: app.api_key,
      api_secret: app.api_secret,
      user_id: `bench-user-${index}`,
      ttl: 86_400,
    });
    return { index, id: issued.user_id, token: issued.token };
  });
}

/** A channel owned by `members[0]` with every other member in it (≤ 100 members at creation). */
export async function createChannel(apiUrl: string, members: readonly BenchUser[]): Promise<string> {
  const [owner, ...rest] = members;
  if (!owner) throw new Error('a channel needs an owner');
  const channel = await call<{ id: string }>(
    apiUrl,
    'POST',
    '/api/channels',
    { name: `bench-${randomBytes(3).toString('hex')}`, members: rest.map((user) => user.id) },
    owner.token,
  );
  return channel.id;
}
