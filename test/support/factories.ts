/** Async factories that write real rows through the public API. */
import { randomBytes } from 'node:crypto';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | number | undefined>;
}

export interface RequestOptions {
  /** A user JWT sent as `Authorization: Bearer`. */
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** The client's IP (the socket's remote address); 127.0.0.1 when omitted. */
  remoteAddress?: string;
}

export type Requester = <T = any>(method: string, url: string, options?: RequestOptions) => Promise<ApiResponse<T>>;

export interface TestApp {
  id: string;
  name: string;
  api_key: string;
  api_secret: string;
}

/** The headers of the app's server API: its key and secret. */
export const apiCredentials = (app: TestApp) => ({ 'x-api-key': app.api_key, 'x-api-secret': app.api_secret });

export interface TestUser {
  app: TestApp;
  externalId: string;
  /** Internal user UUID. */
  id: string;
  token: string;
}

export interface Factories {
  /** Creates an app (tenant) through POST /api/apps. */
  newApp(name?: string): Promise<TestApp>;
  /** A user of `app` (a new app when omitted) with a fresh token. */
  newUser(app?: TestApp, profile?: { externalId?: string; display_name?: string; avatar_url?: string }): Promise<TestUser>;
  /** A channel created by `owner` through POST /api/channels. */
  newChannel(owner: TestUser, body?: Record<string, unknown>): Promise<{ id: string; [key: string]: unknown }>;
  /** A message sent by `user` through POST …/messages. */
  send(user: TestUser, channelId: string, body?: Record<string, unknown>): Promise<{ id: string; seq: number; [key: string]: any }>;
}

const expectStatus = (what: string, response: ApiResponse, status: number) => {
  if (response.status !== status) throw new Error(`${what} failed: ${response.status} ${JSON.stringify(response.body)}`);
};

export function createFactories(request: Requester, adminToken: () => string | undefined): Factories {
  const factories: Factories = {
    async newApp(name = `app-${randomBytes(3).toString('hex')}`) {
      const token = adminToken();
      const response = await request('POST', '/api/apps', {
        body: { name },
        ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
      });
      expectStatus('newApp', response, 201);
      return response.body;
    },

    async newUser(app, profile = {}) {
      const owner = app ?? (await factories.newApp());
      const externalId = profile.externalId ?? `user-${randomBytes(4).toString('hex')}`;
      const response = await request('POST', '/api/auth/token', {
        body: {
          api_key: owner.api_key,
          api_secret: owner.api_secret,
          user_id: externalId,
          ...(profile.display_name === undefined ? {} : { display_name: profile.display_name }),
          ...(profile.avatar_url === undefined ? {} : { avatar_url: profile.avatar_url }),
        },
      });
      expectStatus('newUser', response, 200);
      return { app: owner, externalId, id: response.body.user_id, token: response.body.token };
    },

    async newChannel(owner, body = {}) {
      const response = await request('POST', '/api/channels', {
        token: owner.token,
        body: { name: `channel-${randomBytes(3).toString('hex')}`, ...body },
      });
      expectStatus('newChannel', response, 201);
      return response.body;
    },

    async send(user, channelId, body = { text: 'hello' }) {
      const response = await request('POST', `/api/channels/${channelId}/messages`, { token: user.token, body });
      expectStatus('send', response, 201);
      return response.body;
    },
  };
  return factories;
}
