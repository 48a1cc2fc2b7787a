/**
 * Every code block of @tegrabox/chat-sdk's README (seed 002) against one real Heyyo node (api +
 * gateway + worker in this process, real Postgres and Redis), through `@heyyo/sdk/compat/tegrabox`
 * as built (libs/sdk/dist), then checked through Heyyo's own REST API.
 *
 * Each snippet is pasted as the README has it. What changes: the import line; the credentials
 * (CHAT_API_KEY holds "<api_key>:<api_secret>", HEYYO_URL the node's address); the placeholders
 * ('user-id', 'room-id', 'message-id', the JWT strings) become real ids and tokens; braces around
 * the README's sections where it declares one name twice; and, in the two socket snippets, the
 * test waits for the printed line before the snippet's last statement; the frontend's fetch gets the
 * address of a small backend in this test and a type for TypeScript.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import TegraboxChatClient, {
  AuthenticationError,
  ConflictError,
  HeyyoError,
  NetworkError,
  NotFoundError,
  ValidationError,
  WebSocketError,
} from '@heyyo/sdk/compat/tegrabox';
import type {
  ChatClientOptions,
  ChatUser,
  CreateMessageInput,
  CreateRoomInput,
  CreateUserInput,
  Message,
  PaginatedResponse,
  PaginationParams,
  Room,
  RoomUserEvent,
  UpdateRoomInput,
} from '@heyyo/sdk/compat/tegrabox';
import type { TestApp, TestUser } from '../support/factories.ts';
import { useNodeContext } from '../support/node-context.ts';
import { forgeUserToken } from '../support/resources.ts';
import { eventually } from '../support/sdk-helpers.ts';

const UUID = expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
const ISO = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

/** Every client a snippet makes, so its socket is closed after the test. */
const made: TegraboxChatClient[] = [];
class ChatClient extends TegraboxChatClient {
  constructor(options: ChatClientOptions) {
    super(options);
    made.push(this);
  }
}

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  return `http://127.0.0.1:${port}`;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

describe('@tegrabox/chat-sdk README snippets on Heyyo (@heyyo/sdk/compat/tegrabox)', () => {
  const ctx = useNodeContext();
  let app: TestApp;
  let printed: string[];

  const server = () => ({ 'x-api-key': app.api_key, 'x-api-secret': app.api_secret });
  /** A user of the test's app, with a token (Heyyo's own factory, not the compat client). */
  const heyyoUser = (externalId: string) => ctx.newUser(app, { externalId });
  const storedUser = async (id: string) => (await ctx.request('GET', `/api/users/${id}`, { headers: server() })).body;
  const membersOf = async (roomId: string, as: TestUser) =>
    ((await ctx.request('GET', `/api/channels/${roomId}`, { token: as.token })).body.members ?? []).map(
      (member: { external_id: string; role: string }) => `${member.external_id}:${member.role}`,
    );
  const printedLine = (line: string) => eventually(() => printed.includes(line), `"${line}" printed`);

  beforeAll(() => {
    process.env.HEYYO_URL = ctx.url;
  });

  beforeEach(async () => {
    // An app per test: the README's 'johndoe' is made afresh in each.
    app = await ctx.newApp('Tegrabox migration');
    process.env.CHAT_API_KEY = `${app.api_key}:${app.api_secret}`;
    process.env.CHAT_BASE_URL = ctx.url;
    printed = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      printed.push(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '));
    });
  });

  afterEach(() => {
    vi.restoreAllMocks();
    for (const client of made.splice(0)) client.socket.disconnect();
  });

  afterAll(() => {
    delete process.env.HEYYO_URL;
    delete process.env.CHAT_API_KEY;
    delete process.env.CHAT_BASE_URL;
  });

  it('Quick Start, backend: a user, a token for them, a room they own, a message from them', async () => {
    // Initialize with API key for project-level operations
    const client = new ChatClient({
      apiKey: process.env.CHAT_API_KEY, // Store in environment variables
    });
    // Create a user
    const user = await client.users.create({
      username: 'johndoe',
      external_user_id: 'user_12345',
      display_name: 'John Doe',
    });
    // Generate JWT token for frontend client
    const tokenResponse = await client.users.generateToken(user.id);
    // Send tokenResponse.token to your frontend
    // Create a room
    const room = await client.rooms.create({
      name: 'General Chat',
      created_by: user.id, // User automatically added as member
    });
    // Send a message (server-side)
    const message = await client.messages.create(room.id, {
      content: 'Hello, world!',
      user_id: user.id,
    });

    expect(user).toEqual({
      id: UUID,
      username: 'johndoe',
      external_user_id: 'user_12345',
      display_name: 'John Doe',
      avatar_url: null,
      email: null,
      status: 'active',
      created_at: ISO,
      updated_at: ISO,
    });
    expect(await storedUser(user.id)).toMatchObject({
      external_id: 'johndoe',
      display_name: 'John Doe',
      metadata: { external_user_id: 'user_12345' },
    });
    expect(tokenResponse).toEqual({ token: expect.any(String), expires_in: expect.any(Number), user_id: user.id });
    const verified = await ctx.request('GET', '/api/auth/verify', { token: tokenResponse.token });
    expect(verified.body).toMatchObject({ user_id: user.id, external_id: 'johndoe' });
    expect(room).toMatchObject({ id: UUID, name: 'General Chat', created_by: user.id, type: 'messaging', description: null });
    const johndoe = { app, externalId: 'johndoe', id: user.id, token: tokenResponse.token };
    expect(await membersOf(room.id, johndoe)).toEqual(['johndoe:owner']);
    expect(message).toEqual({
      id: UUID,
      room_id: room.id,
      user_id: user.id,
      username: 'johndoe',
      display_name: 'John Doe',
      content: 'Hello, world!',
      seq: 1,
      created_at: ISO,
      updated_at: ISO,
      edited_at: null,
    });
    const history = await ctx.request('GET', `/api/channels/${room.id}/messages`, { token: tokenResponse.token });
    expect(history.body.map((stored: { id: string; text: string }) => [stored.id, stored.text])).toEqual([[message.id, 'Hello, world!']]);
  });

  it('Quick Start, frontend: a client with only a JWT connects, joins the room and verifies its token', async () => {
    const owner = await heyyoUser('owner');
    const jane = await heyyoUser('jane');
    const general = await ctx.newChannel(owner, { name: 'general' });

    // Initialize with JWT token (received from your backend)
    const client = new ChatClient({
      jwtToken: jane.token,
    });
    // Use WebSocket for real-time messaging
    client.socket.connect();
    client.socket.joinRoom(general.id);
    // Verify token
    const authInfo = await client.auth.verify();
    console.log('User ID:', authInfo.user.userId);

    expect(printed).toEqual([`User ID: ${jane.id}`]);
    expect(authInfo).toEqual({ valid: true, user: { userId: jane.id, username: 'jane', appId: app.id, role: 'user' }, expiresAt: ISO });
    await eventually(() => client.socket.connected, 'the socket connected');
    await eventually(async () => (await membersOf(general.id, owner)).includes('jane:member'), 'jane a member of the room');
  });

  it('Authentication: a client with the API key, one with a JWT, one with both', async () => {
    const jane = await heyyoUser('jane');
    const jwt_token_for_websocket = jane.token;
    {
      // Backend initialization
      const client = new ChatClient({
        apiKey: process.env.CHAT_API_KEY, // Never hardcode!
      });
      // The SDK automatically:
      // - Fetches your project ID from the backend
      // - Caches it for all subsequent calls
      // - Handles authentication headers
      expect((await client.users.list()).items.map((user) => user.username)).toEqual(['jane']);
      expect(await rejection(client.auth.verify()), 'verify needs a JWT').toBeInstanceOf(AuthenticationError);
    }
    {
      // Frontend initialization (token from your backend)
      const client = new ChatClient({
        jwtToken: jane.token,
      });
      expect((await client.auth.verify()).user.userId).toBe(jane.id);
      // Beyond the README: without the API key, the token's user creates and writes (Heyyo's user routes).
      const mine = await client.rooms.create({ name: "jane's room", created_by: randomUUID() });
      expect(mine.created_by).toBe(jane.id);
      const sent = await client.messages.create(mine.id, { content: 'from jane', user_id: randomUUID() });
      expect(sent).toMatchObject({ room_id: mine.id, user_id: jane.id, username: 'jane', content: 'from jane' });
      const listed = await client.rooms.list();
      expect(listed).toMatchObject({ total: 1, items: [{ id: mine.id, created_by: null, member_count: 1, message_count: 1 }] });
    }
    {
      // Or initialize with both (backend that also needs WebSocket)
      const client = new ChatClient({
        apiKey: process.env.CHAT_API_KEY,
        jwtToken: jwt_token_for_websocket,
      });
      expect((await client.auth.verify()).user.username).toBe('jane');
      expect((await client.users.list()).total).toBe(1);
      await client.socket.connect();
      expect(client.socket.connected).toBe(true);
    }
    expect(() => new ChatClient({}), 'at least one of apiKey or jwtToken').toThrow(ValidationError);
  });

  it('API Reference, Users: create, list, get, update, generateToken, revokeToken, delete', async () => {
    const client = new ChatClient({ apiKey: process.env.CHAT_API_KEY });
    let created: ChatUser;
    {
      // Create
      const user = await client.users.create({
        username: 'johndoe',
        external_user_id: 'user_12345',
        display_name: 'John Doe',
        email: '[email protected]', // optional
      });
      created = user;
    }
    expect(created).toMatchObject({
      username: 'johndoe',
      external_user_id: 'user_12345',
      display_name: 'John Doe',
      email: '[email protected]',
      status: 'active',
    });
    {
      // List
      const result = await client.users.list({ page: 1, limit: 50 });
      console.log(result.items); // ChatUser[]
      console.log(result.total); // number
    }
    expect(printed).toEqual([JSON.stringify([created]), '1']);
    {
      // Get
      const user = await client.users.get(created.id);
      expect(user).toEqual(created);
    }
    let updatedUser: ChatUser;
    {
      // Update
      const updated = await client.users.update(created.id, {
        display_name: 'New Name',
        status: 'active',
      });
      updatedUser = updated;
    }
    expect(updatedUser).toMatchObject({
      id: created.id,
      display_name: 'New Name',
      status: 'active',
      email: '[email protected]',
      external_user_id: 'user_12345',
    });
    expect((await storedUser(created.id)).metadata).toEqual({ external_user_id: 'user_12345', email: '[email protected]', status: 'active' });
    let token: string;
    {
      // Generate JWT token
      const tokenResponse = await client.users.generateToken(created.id);
      token = tokenResponse.token;
    }
    expect((await ctx.request('GET', '/api/auth/verify', { token })).status).toBe(200);
    // Revoke tokens
    await client.users.revokeToken(created.id);
    await eventually(async () => (await ctx.request('GET', '/api/auth/verify', { token })).status === 403, 'the token refused');
    // Delete
    await client.users.delete(created.id);
    expect(await client.users.get(created.id)).toMatchObject({ id: created.id, status: 'deactivated' });
    expect(await rejection(client.users.generateToken(created.id)), 'no token for a deleted user').toBeInstanceOf(AuthenticationError);
  });

  it('API Reference, Rooms: list, create, get, join, leave; update and delete work (tegrabox: 501)', async () => {
    const owner = await heyyoUser('owner');
    const joiner = await heyyoUser('joiner');
    const client = new ChatClient({ apiKey: process.env.CHAT_API_KEY, jwtToken: joiner.token });
    const earlier = [await ctx.newChannel(owner, { name: 'earlier-1' }), await ctx.newChannel(owner, { name: 'earlier-2' })];
    {
      // List
      const result = await client.rooms.list({ page: 1, limit: 20 });
      expect(result).toMatchObject({ page: 1, limit: 20, total: 2, totalPages: 1 });
      expect(result.items.map((room) => room.id).sort()).toEqual(earlier.map((room) => room.id).sort());
      expect(result.items[0]).toMatchObject({ member_count: 1, message_count: 0, created_by: owner.id });
    }
    let roomId: string;
    {
      // Create (created_by user is automatically added as member)
      const room = await client.rooms.create({
        name: 'General Chat',
        created_by: owner.id, // Required
      });
      roomId = room.id;
    }
    expect(await membersOf(roomId, owner)).toEqual(['owner:owner']);
    {
      // Get
      const room = await client.rooms.get(roomId);
      expect(room).toMatchObject({ id: roomId, name: 'General Chat', created_by: owner.id, member_count: 1 });
      expect(room.members).toEqual([
        { user_id: owner.id, username: 'owner', display_name: null, avatar_url: null, role: 'owner', is_online: false, joined_at: ISO },
      ]);
    }
    // Join
    await client.rooms.join(roomId);
    expect(await membersOf(roomId, owner)).toEqual(['owner:owner', 'joiner:member']);
    // Leave
    await client.rooms.leave(roomId);
    expect(await membersOf(roomId, owner)).toEqual(['owner:owner']);
    // Update (returns 501 - coming soon)
    await client.rooms.update(roomId, { name: 'New Name' });
    expect((await ctx.request('GET', `/api/channels/${roomId}`, { token: owner.token })).body.name).toBe('New Name');
    // Delete (returns 501 - coming soon)
    await client.rooms.delete(roomId);
    expect((await ctx.request('GET', `/api/channels/${roomId}`, { token: owner.token })).status).toBe(404);
    expect(await rejection(client.rooms.get(roomId))).toBeInstanceOf(NotFoundError);
  });

  it('API Reference, Messages: list with totals, create, delete (tegrabox: 501)', async () => {
    const alice = await heyyoUser('alice');
    const room = await ctx.newChannel(alice, { name: 'history' });
    for (const text of ['one', 'two', 'three']) await ctx.send(alice, room.id, { text });
    const client = new ChatClient({ apiKey: process.env.CHAT_API_KEY });
    {
      // List
      const result = await client.messages.list(room.id, {
        page: 1,
        limit: 50,
      });
      expect(result).toMatchObject({ page: 1, limit: 50, total: 3, totalPages: 1 });
      expect(result.items.map((message) => [message.username, message.content])).toEqual([
        ['alice', 'one'],
        ['alice', 'two'],
        ['alice', 'three'],
      ]);
    }
    const older = await client.messages.list(room.id, { page: 2, limit: 2 });
    expect(older).toMatchObject({ page: 2, limit: 2, total: 3, totalPages: 2 });
    expect(older.items.map((message) => message.content)).toEqual(['one']);
    let messageId: string;
    {
      // Create
      const message = await client.messages.create(room.id, {
        content: 'Hello!',
        user_id: alice.id, // Required
      });
      messageId = message.id;
      expect(message).toMatchObject({ room_id: room.id, user_id: alice.id, username: 'alice', content: 'Hello!', seq: 4 });
    }
    // Delete (returns 501 - coming soon)
    await client.messages.delete(room.id, messageId);
    const history = await ctx.request('GET', `/api/channels/${room.id}/messages`, { token: alice.token });
    expect(history.body.map((message: { text: string }) => message.text)).toEqual(['one', 'two', 'three']);
    expect(await rejection(client.messages.delete(room.id, messageId)), 'deleted already').toBeInstanceOf(NotFoundError);
  });

  it('API Reference, Auth: verify prints the user id', async () => {
    const jane = await heyyoUser('jane');
    const client = new ChatClient({ jwtToken: jane.token });
    // Verify JWT token
    const authInfo = await client.auth.verify();
    console.log(authInfo.user.userId);

    expect(printed).toEqual([jane.id]);
  });

  it('WebSocket, backend usage: a token, the socket, a room, a message back with username and content', async () => {
    const client = new ChatClient({ apiKey: process.env.CHAT_API_KEY });
    const johndoe = await client.users.create({ username: 'johndoe', external_user_id: 'user_12345' });
    const room = await client.rooms.create({ name: 'General Chat', created_by: johndoe.id });

    // Generate token for a user
    const tokenResponse = await client.users.generateToken(johndoe.id);
    client.setJwtToken(tokenResponse.token);
    // Connect
    client.socket.connect();
    // Join room
    client.socket.joinRoom(room.id);
    // Listen for messages
    client.socket.onMessage((message) => {
      console.log(`${message.username}: ${message.content}`);
    });
    // Send message
    client.socket.sendMessage(room.id, 'Hello!');
    await printedLine('johndoe: Hello!');
    // Disconnect
    client.socket.disconnect();

    expect(printed).toEqual(['johndoe: Hello!']);
    expect(client.socket.connected).toBe(false);
    const history = await ctx.request('GET', `/api/channels/${room.id}/messages`, { token: tokenResponse.token });
    expect(history.body.map((message: { text: string; user_id: string }) => [message.text, message.user_id])).toEqual([['Hello!', johndoe.id]]);
  });

  it("WebSocket, frontend usage: the token from the app's backend, then messages of the joined room", async () => {
    const alice = await heyyoUser('alice');
    const room = await ctx.newChannel(alice, { name: 'General Chat' });
    // The app's backend: mints a token for its signed-in user with the compat client, as the README's architecture has it.
    const bob = await new ChatClient({ apiKey: process.env.CHAT_API_KEY }).users.create({ username: 'bob' });
    const backend: Server = createHttpServer((request, response) => {
      if (request.url !== '/api/chat/token') return void response.writeHead(404).end();
      new ChatClient({ apiKey: process.env.CHAT_API_KEY }).users.generateToken(bob.id).then(
        (token) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(token)),
        () => response.writeHead(500).end(),
      );
    });
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
    const backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
    try {
      // Your backend provides the JWT token
      const jwtToken = (await fetch(`${backendUrl}/api/chat/token`).then((r) => r.json())) as { token: string };
      // Initialize client with JWT token only (no API key needed)
      const client = new ChatClient({ jwtToken: jwtToken.token });
      // Connect and use WebSocket
      client.socket.connect();
      client.socket.joinRoom(room.id);
      client.socket.onMessage((message) => {
        console.log(`${message.username}: ${message.content}`);
      });

      await eventually(async () => (await membersOf(room.id, alice)).includes('bob:member'), 'bob a member');
      // joinRoom resolves once the room's events reach the callbacks: a second call waits for the first.
      await client.socket.joinRoom(room.id);
      await ctx.send(alice, room.id, { text: 'Hi from REST' });
      await printedLine('alice: Hi from REST');
      expect(printed).toEqual(['alice: Hi from REST']);
    } finally {
      await new Promise((resolve) => backend.close(resolve));
    }
  });

  it('WebSocket events: typing, users joining and leaving, connect and disconnect, leaveRoom', async () => {
    const alice = await heyyoUser('alice');
    const bob = await heyyoUser('bob');
    const carol = await heyyoUser('carol');
    const room = await ctx.newChannel(alice, { name: 'events', members: [bob.id] });
    const other = await ctx.newChannel(alice, { name: 'other', members: [bob.id] });

    const aliceClient = new ChatClient({ jwtToken: alice.token });
    const bobClient = new ChatClient({ jwtToken: bob.token });
    const heard: [string, RoomUserEvent | string][] = [];
    const messages: Message[] = [];
    for (const [event, subscribe] of [
      ['joined', bobClient.socket.onUserJoined.bind(bobClient.socket)],
      ['left', bobClient.socket.onUserLeft.bind(bobClient.socket)],
      ['typing', bobClient.socket.onUserTyping.bind(bobClient.socket)],
      ['stopped', bobClient.socket.onUserStoppedTyping.bind(bobClient.socket)],
    ] as const) {
      subscribe((payload: RoomUserEvent) => heard.push([event, payload]));
    }
    bobClient.socket.onConnect(() => heard.push(['connect', '']));
    bobClient.socket.onDisconnect((reason) => heard.push(['disconnect', reason]));
    bobClient.socket.onMessage((message) => messages.push(message));

    await bobClient.socket.connect();
    await bobClient.socket.joinRoom(room.id);
    await aliceClient.socket.connect();
    await aliceClient.socket.startTyping(room.id);
    await eventually(() => heard.some(([event]) => event === 'typing'), 'typing heard');
    await aliceClient.socket.stopTyping(room.id);
    await eventually(() => heard.some(([event]) => event === 'stopped'), 'stopped typing heard');
    const carolClient = new ChatClient({ jwtToken: carol.token });
    await carolClient.rooms.join(room.id);
    await carolClient.rooms.leave(room.id);
    await eventually(() => heard.some(([event]) => event === 'left'), 'carol leaving heard');

    const aliceIn = { room_id: room.id, user_id: alice.id, username: 'alice' };
    const carolIn = { room_id: room.id, user_id: carol.id, username: 'carol' };
    expect(heard).toEqual([
      ['connect', ''],
      ['typing', aliceIn],
      ['stopped', aliceIn],
      ['joined', carolIn],
      ['left', carolIn],
    ]);

    // Only joined rooms reach the callbacks: 'other' (bob is a member, never joined here), then
    // 'events' after leaveRoom, each followed by a barrier message in a room that is delivered.
    await ctx.send(alice, other.id, { text: 'not joined' });
    await ctx.send(alice, room.id, { text: 'barrier 1' });
    await eventually(() => messages.some((message) => message.content === 'barrier 1'), 'barrier 1');
    await bobClient.socket.joinRoom(other.id);
    bobClient.socket.leaveRoom(room.id);
    await ctx.send(alice, room.id, { text: 'after leaveRoom' });
    await ctx.send(alice, other.id, { text: 'barrier 2' });
    await eventually(() => messages.some((message) => message.content === 'barrier 2'), 'barrier 2');
    expect(messages.map((message) => `${message.room_id === room.id ? 'events' : 'other'}: ${message.content}`)).toEqual([
      'events: barrier 1',
      'other: barrier 2',
    ]);
    expect(await membersOf(room.id, alice), 'leaveRoom keeps the membership').toContain('bob:member');

    bobClient.socket.disconnect();
    expect(heard.at(-1)).toEqual(['disconnect', 'disconnected']);
  });

  it('Error Handling: the README block takes the AuthenticationError and NetworkError branches', async () => {
    const seen: string[] = [];
    const runSnippet = async (client: ChatClient) => {
      try {
        await client.users.create({ username: 'test', external_user_id: '123' });
      } catch (error) {
        if (error instanceof AuthenticationError) {
          // Invalid API key
          seen.push('AuthenticationError');
        } else if (error instanceof ValidationError) {
          // Invalid input
          seen.push('ValidationError');
        } else if (error instanceof NetworkError) {
          // Network issue
          seen.push('NetworkError');
        }
      }
    };
    await runSnippet(new ChatClient({ apiKey: `${app.api_key}:not-the-secret` }));
    await runSnippet(new ChatClient({ apiKey: process.env.CHAT_API_KEY, baseUrl: await closedPortUrl() }));
    await runSnippet(new ChatClient({ apiKey: process.env.CHAT_API_KEY }));
    expect(seen).toEqual(['AuthenticationError', 'NetworkError']);
    expect((await new ChatClient({ apiKey: process.env.CHAT_API_KEY }).users.list()).items.map((user) => user.username)).toEqual(['test']);
  });

  it('Error Types: each status as its class, with the server message and code', async () => {
    const client = new ChatClient({ apiKey: process.env.CHAT_API_KEY });
    const classes = { AuthenticationError, ConflictError, NetworkError, NotFoundError, ValidationError, WebSocketError };
    const expectError = (error: unknown, name: keyof typeof classes, status: number, code?: string) => {
      expect(error).toBeInstanceOf(classes[name]);
      expect(error).toBeInstanceOf(HeyyoError);
      expect({ name: (error as Error).name, status: (error as HeyyoError).status, code: (error as HeyyoError).code }).toEqual({ name, status, code });
    };

    // 401: a wrong secret; 403: a token that is not one.
    const wrongSecret = new ChatClient({ apiKey: `${app.api_key}:wrong` });
    expectError(await rejection(wrongSecret.users.list()), 'AuthenticationError', 401, 'HEYYO_ERR_INVALID_CREDENTIALS');
    expectError(await rejection(new ChatClient({ jwtToken: 'not-a-jwt' }).auth.verify()), 'AuthenticationError', 403, 'HEYYO_ERR_INVALID_TOKEN');
    // tegrabox's key alone: refused before any request, saying what Heyyo needs.
    const keyAlone = await rejection(new ChatClient({ apiKey: app.api_key }).users.list());
    expectError(keyAlone, 'AuthenticationError', 0);
    expect((keyAlone as Error).message).toMatch(/<api_key>:<api_secret>/);
    // 404
    expectError(await rejection(client.users.get(randomUUID())), 'NotFoundError', 404, 'HEYYO_ERR_USER_NOT_FOUND');
    // 400
    expectError(await rejection(client.users.create({ username: '' })), 'ValidationError', 400, 'HEYYO_ERR_VALIDATION');
    expectError(await rejection(client.users.update(randomUUID(), { username: 'renamed' } as never)), 'ValidationError', 400);
    // 409: the last owner leaving a room that has other members.
    const owner = await heyyoUser('owner');
    const member = await heyyoUser('member');
    const room = await ctx.newChannel(owner, { members: [member.id] });
    expectError(await rejection(new ChatClient({ jwtToken: owner.token }).rooms.leave(room.id)), 'ConflictError', 409, 'HEYYO_ERR_LAST_OWNER');
    // No answer at all.
    const nobodyThere = new ChatClient({ apiKey: process.env.CHAT_API_KEY, baseUrl: await closedPortUrl() });
    expectError(await rejection(nobodyThere.users.list()), 'NetworkError', 0);
    // The socket: used before connect(), and connect() without a JWT.
    const socketErrors: Error[] = [];
    client.socket.onError((error) => socketErrors.push(error));
    expectError(await rejection(client.socket.sendMessage(room.id, 'too early')), 'WebSocketError', 0);
    expect(socketErrors.map((error) => error.name), 'onError hears it too').toEqual(['WebSocketError']);
    expect(() => client.socket.connect()).toThrow(WebSocketError);
    // A refused socket event: sending to a room the user is not in.
    const stranger = new ChatClient({ jwtToken: (await heyyoUser('stranger')).token });
    await stranger.socket.connect();
    expectError(await rejection(stranger.socket.sendMessage(room.id, 'hi')), 'AuthenticationError', 403, 'HEYYO_ERR_NOT_MEMBER');
    expectError(await rejection(stranger.socket.joinRoom(randomUUID())), 'NotFoundError', 404, 'HEYYO_ERR_CHANNEL_NOT_FOUND');
    // A refused handshake: onError hears it, and the client keeps trying with backoff.
    const refused = new ChatClient({ jwtToken: 'not-a-jwt' });
    const handshakeErrors: Error[] = [];
    refused.socket.onError((error) => handshakeErrors.push(error));
    void refused.socket.connect();
    const handshakeError = await eventually(() => handshakeErrors[0], 'the refused handshake heard');
    expectError(handshakeError, 'WebSocketError', 0, 'HEYYO_ERR_INVALID_TOKEN');
    expect(handshakeError.message).toBe('Invalid token');
    expect(refused.socket.connected).toBe(false);
  });

  it('Configuration: the README examples, setBaseUrl and setJwtToken', async () => {
    const jane = await heyyoUser('jane');
    const jwt_token_from_backend = jane.token;
    // Example: Backend initialization (with API key)
    const client = new ChatClient({
      apiKey: process.env.CHAT_API_KEY, // Store securely!
      baseUrl: process.env.CHAT_BASE_URL, // Optional
    });
    // Example: Frontend initialization (with JWT token only)
    const frontendClient = new ChatClient({
      jwtToken: jwt_token_from_backend,
    });
    // Example: Backend with WebSocket (both)
    const fullClient = new ChatClient({
      apiKey: process.env.CHAT_API_KEY,
      jwtToken: jwt_token_from_backend,
    });
    expect((await client.users.list()).total).toBe(1);
    expect((await frontendClient.auth.verify()).user.userId).toBe(jane.id);
    expect((await fullClient.rooms.list()).total).toBe(0);
    // Update base URL (if needed)
    client.setBaseUrl('https://custom-server.com');
    // Update JWT token (for WebSocket)
    client.setJwtToken(jwt_token_from_backend);

    // No request leaves this machine: the base URL goes to a closed port, then back.
    client.setBaseUrl(await closedPortUrl());
    expect(await rejection(client.users.list())).toBeInstanceOf(NetworkError);
    client.setBaseUrl(`${ctx.url}/`);
    expect((await client.auth.verify()).user.userId).toBe(jane.id);
    // baseUrl omitted: HEYYO_URL, read when the client is made (every snippet above runs on it).
    process.env.HEYYO_URL = await closedPortUrl();
    try {
      expect(await rejection(new ChatClient({ jwtToken: jane.token }).auth.verify())).toBeInstanceOf(NetworkError);
    } finally {
      process.env.HEYYO_URL = ctx.url;
    }
  });

  it('setJwtToken between connects: the next connect() is the new token\'s user', async () => {
    const alice = await heyyoUser('alice');
    const bob = await heyyoUser('bob');
    const room = await ctx.newChannel(alice, { members: [bob.id] });
    const client = new ChatClient({ jwtToken: alice.token });
    await client.socket.connect();
    expect((await client.socket.sendMessage(room.id, 'as alice')).username).toBe('alice');
    client.socket.disconnect();
    client.setJwtToken(bob.token);
    await client.socket.connect();
    await client.socket.joinRoom(room.id);
    expect((await client.socket.sendMessage(room.id, 'as bob')).username).toBe('bob');
    const history = await ctx.request('GET', `/api/channels/${room.id}/messages`, { token: alice.token });
    expect(history.body.map((message: { text: string; user_id: string }) => [message.text, message.user_id])).toEqual([
      ['as alice', alice.id],
      ['as bob', bob.id],
    ]);
  });

  it('setJwtToken while connected: the socket renews its expiring token with it and stays in its rooms', async () => {
    const alice = await heyyoUser('alice');
    const bob = await heyyoUser('bob');
    const room = await ctx.newChannel(bob, { members: [alice.id] });
    const exp = Math.floor(Date.now() / 1000) + 2;
    const client = new ChatClient({ jwtToken: await forgeUserToken(alice, { exp }) });
    const errors: Error[] = [];
    client.socket.onError((error) => errors.push(error));
    await client.socket.connect();
    await client.socket.joinRoom(room.id);
    client.setJwtToken(alice.token);
    // Past the expiry: the server sent auth.expired, the socket answered with the new token.
    await new Promise((resolve) => setTimeout(resolve, exp * 1000 + 1500 - Date.now()));
    const received = new Promise<Message>((resolve) => client.socket.onMessage(resolve));
    await ctx.send(bob, room.id, { text: 'still here' });
    expect((await received).content).toBe('still here');
    expect(errors).toEqual([]);
    expect(client.socket.connected).toBe(true);
  });

  it('Pagination: items, page, total and totalPages of users.list', async () => {
    const client = new ChatClient({ apiKey: process.env.CHAT_API_KEY });
    for (const username of ['u1', 'u2', 'u3']) await client.users.create({ username });
    const result = await client.users.list({ page: 1, limit: 50 });
    // result.items - ChatUser[]
    // result.page - current page
    // result.total - total items
    // result.totalPages - total pages
    expect(result).toMatchObject({ page: 1, limit: 50, total: 3, totalPages: 1 });
    expect(result.items.map((user) => user.username).sort()).toEqual(['u1', 'u2', 'u3']);

    const pages: PaginatedResponse<ChatUser>[] = [];
    for (const params of [{ page: 1, limit: 2 }, { page: 2, limit: 2 }, { page: 3, limit: 2 }] satisfies PaginationParams[]) {
      pages.push(await client.users.list(params));
    }
    expect(pages.map(({ items, page, total, totalPages }) => ({ count: items.length, page, total, totalPages }))).toEqual([
      { count: 2, page: 1, total: 3, totalPages: 2 },
      { count: 1, page: 2, total: 3, totalPages: 2 },
      { count: 0, page: 3, total: 3, totalPages: 2 },
    ]);
    expect(new Set(pages.flatMap(({ items }) => items.map((user) => user.id))).size).toBe(3);
  });

  it('TypeScript: the README type names describe what the client answers', async () => {
    const client = new ChatClient({ apiKey: process.env.CHAT_API_KEY });
    const input: CreateUserInput = { username: 'typed', display_name: 'Typed' };
    const user: ChatUser = await client.users.create(input);
    const roomInput: CreateRoomInput = { name: 'typed room', created_by: user.id };
    const room: Room = await client.rooms.create(roomInput);
    const messageInput: CreateMessageInput = { content: 'typed', user_id: user.id };
    const message: Message = await client.messages.create(room.id, messageInput);
    const update: UpdateRoomInput = { name: 'renamed' };
    const renamed: Room = await client.rooms.update(room.id, update);
    const page: PaginatedResponse<Message> = await client.messages.list(room.id);
    expect([user.username, room.name, message.content, renamed.name, page.total]).toEqual(['typed', 'typed room', 'typed', 'renamed', 1]);
  });
});
