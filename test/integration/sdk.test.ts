/**
 * @heyyo/sdk against one real node (api + gateway + worker in this process),
 * imported exactly as an app imports it (the built libs/sdk/dist): every
 * method, every event, the typed errors, token refresh, the server and admin
 * clients, catch-up and reset.
 *
 * Nothing is mocked: `options.fetch` is only wrapped to count what goes over REST.
 * Waiting is done by polling with a deadline, never by a fixed sleep.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { decodeJwt } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  ConflictError,
  ErrorCodes,
  ForbiddenError,
  HeyyoAdminClient,
  HeyyoClient,
  HeyyoError,
  HeyyoServerClient,
  NetworkError,
  NotFoundError,
  RateLimitError,
  ValidationError,
  WebSocketError,
  applyReply,
  type ClientEvents,
  type HeyyoClientOptions,
  type Message,
} from '@heyyo/sdk';
import type { TestApp, TestUser } from '../support/factories.ts';
import { useNodeContext, type NodeContext } from '../support/node-context.ts';
import { forgeUserToken } from '../support/resources.ts';
import { countingFetch, eventually, expectedMessage as messageShape, nextEvent, record } from '../support/sdk-helpers.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

async function rejection(promise: Promise<unknown>): Promise<HeyyoError> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.value)}`);
  return outcome.error as HeyyoError;
}

/** A typed SDK error: its class, HeyyoError and Error, and exactly this status, code and message. */
function expectHeyyoError(
  error: unknown,
  type: abstract new (...args: never[]) => HeyyoError,
  fields: { status: number; code: string | undefined; message: string | RegExp },
): void {
  expect(error).toBeInstanceOf(type);
  expect(error).toBeInstanceOf(HeyyoError);
  expect(error).toBeInstanceOf(Error);
  const typed = error as HeyyoError;
  expect(typed.name).toBe(type.name);
  expect({ status: typed.status, code: typed.code, message: typed.message }).toEqual({
    status: fields.status,
    code: fields.code,
    message: typeof fields.message === 'string' ? fields.message : expect.stringMatching(fields.message),
  });
}

interface FetchCall {
  method: string;
  path: string;
  body: any;
}

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  return `http://127.0.0.1:${port}`;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
const forge = forgeUserToken;

/** SDK clients of one test, disconnected after it so no socket or timer outlives it. */
function useClients(apiUrl: () => string) {
  const open: HeyyoClient[] = [];
  afterEach(() => {
    for (const client of open.splice(0)) client.disconnect();
  });
  return (options: Omit<HeyyoClientOptions, 'apiUrl'> & { apiUrl?: string }): HeyyoClient => {
    const client = new HeyyoClient({ apiUrl: apiUrl(), ...options });
    open.push(client);
    return client;
  };
}

/** A user with a display name and avatar, so profile fields are checked too. */
function person(ctx: NodeContext, app: TestApp, name: string): Promise<TestUser> {
  return ctx.newUser(app, { externalId: name, display_name: `${name} display`, avatar_url: `https://example.com/${name}.png` });
}

const nestedUser = (user: TestUser) => ({
  external_id: user.externalId,
  display_name: `${user.externalId} display`,
  avatar_url: `https://example.com/${user.externalId}.png`,
});

/** The exact Message shape, from a user with the profile `person()` gives. */
const expectedMessage = (author: TestUser, channelId: string, fields: Partial<Message>) =>
  messageShape(author, channelId, fields, nestedUser(author));

/** A listed message (GET …/messages) of `message`, exactly. */
function listed(message: Message, reactions: { type: string; user_id: string; count: number }[] = [], counts = {}) {
  const { user, ...rest } = message;
  return {
    ...rest,
    user_external_id: user.external_id,
    user_display_name: user.display_name,
    user_avatar_url: user.avatar_url,
    reactions,
    reaction_counts: counts,
  };
}

// ---------------------------------------------------------------------------------------------

describe('@heyyo/sdk against one node', () => {
  // One test sends 151 messages as one user within a second (HEYYO_USER_WRITES_PER_WINDOW is 100 per 10 s by default).
  const ctx = useNodeContext({ env: { HEYYO_USER_WRITES_PER_WINDOW: '1000' } });
  const sdk = useClients(() => ctx.url);

  /** An app with `names.length` users and a channel of all of them, created by the first. */
  async function room(...names: string[]) {
    const app = await ctx.newApp();
    const users: TestUser[] = [];
    for (const name of names) users.push(await person(ctx, app, name));
    const channel = await ctx.newChannel(users[0]!, { members: users.slice(1).map((user) => user.id) });
    return { app, users, channel };
  }

  describe('channels', () => {
    it('create, list, discover, get, join and addMember return the documented shapes', async () => {
      const app = await ctx.newApp();
      const owner = await person(ctx, app, 'owner');
      const alice = await person(ctx, app, 'alice');
      const bob = await person(ctx, app, 'bob');
      const carol = await person(ctx, app, 'carol');
      const ownerClient = sdk({ token: owner.token, autoConnect: false });
      const bobClient = sdk({ token: bob.token, autoConnect: false });

      const general = await ownerClient.channels.create('general', {
        description: 'about',
        metadata: { topic: 'x' },
        members: [alice.id],
      });
      expect(general).toEqual({
        id: expect.stringMatching(UUID),
        app_id: app.id,
        type: 'messaging',
        name: 'general',
        description: 'about',
        metadata: { topic: 'x' },
        created_by: owner.id,
        slow_mode_seconds: 0,
        created_at: expect.stringMatching(ISO),
        updated_at: expect.stringMatching(ISO),
      });
      const team = await ownerClient.channels.create('team', { type: 'team' });
      expect(team).toMatchObject({ type: 'team', name: 'team', description: null, metadata: {}, created_by: owner.id });
      await ctx.settled();

      const { items: mine, ...paging } = await ownerClient.channels.list();
      expect(paging).toEqual({ page: 1, limit: 100, total: 2, totalPages: 1 });
      expect(mine.map((channel) => channel.id).sort()).toEqual([general.id, team.id].sort());
      expect(mine.find((channel) => channel.id === general.id)).toEqual({
        id: general.id,
        name: 'general',
        type: 'messaging',
        description: 'about',
        metadata: { topic: 'x' },
        role: 'owner',
        member_count: 2,
        message_count: 0,
        last_message_at: null,
        last_read_seq: 0,
        unread_count: 0,
        last_seq: 0,
        slow_mode_seconds: 0,
        created_at: general.created_at,
        updated_at: expect.stringMatching(ISO),
      });
      const firstPage = await ownerClient.channels.list({ limit: 1 });
      const secondPage = await ownerClient.channels.list({ limit: 1, page: 2 });
      expect(secondPage).toMatchObject({ page: 2, limit: 1, total: 2, totalPages: 2 });
      expect([...firstPage.items, ...secondPage.items].map((channel) => channel.id)).toEqual(mine.map((channel) => channel.id));
      expect(await bobClient.channels.list()).toEqual({ items: [], page: 1, limit: 100, total: 0, totalPages: 0 });

      // Discover: every channel of the app, newest first, with is_member for the caller.
      const { items: discovered } = await bobClient.channels.discover();
      expect(discovered).toEqual([
        {
          id: team.id,
          name: 'team',
          type: 'team',
          description: null,
          member_count: 1,
          is_member: false,
          created_at: team.created_at,
        },
        {
          id: general.id,
          name: 'general',
          type: 'messaging',
          description: 'about',
          member_count: 2,
          is_member: false,
          created_at: general.created_at,
        },
      ]);
      expect((await bobClient.channels.discover({ limit: 1, offset: 1 })).items).toEqual([discovered[1]]);

      // Join (idempotent), then addMember (idempotent), by a member only.
      expect(await bobClient.channels.join(general.id)).toEqual({ message: 'Joined channel' });
      expect(await bobClient.channels.join(general.id)).toEqual({ message: 'Joined channel' });
      expect(await bobClient.channels.addMember(general.id, carol.id)).toEqual({ message: 'Member added' });
      expect(await ownerClient.channels.addMember(general.id, carol.id)).toEqual({ message: 'Member added' });
      await ctx.settled();

      const details = await ownerClient.channels.get(general.id);
      const byId = (left: { id: string }, right: { id: string }) => left.id.localeCompare(right.id);
      expect({ ...details, members: [...details.members].sort(byId) }).toEqual({
        id: general.id,
        app_id: app.id,
        type: 'messaging',
        name: 'general',
        description: 'about',
        metadata: { topic: 'x' },
        created_by: owner.id,
        slow_mode_seconds: 0,
        created_at: general.created_at,
        updated_at: expect.stringMatching(ISO),
        member_count: 4,
        message_count: 0,
        last_message_at: null,
        members: [owner, alice, bob, carol]
          .map((user) => ({
            id: user.id,
            external_id: user.externalId,
            display_name: `${user.externalId} display`,
            avatar_url: `https://example.com/${user.externalId}.png`,
            is_online: false,
            role: user === owner ? 'owner' : 'member',
            joined_at: expect.stringMatching(ISO),
          }))
          .sort(byId),
      });
      expect((await bobClient.channels.discover()).items.find((channel) => channel.id === general.id)).toMatchObject({
        member_count: 4,
        is_member: true,
      });
    });

    it('markRead over REST (not connected) and over the socket (connected) give the same read state', async () => {
      const { users, channel } = await room('writer', 'reader');
      const [writer, reader] = users as [TestUser, TestUser];
      const writerClient = sdk({ token: writer.token, autoConnect: false });
      for (let index = 0; index < 5; index++) await writerClient.messages.send(channel.id, `m${index}`);
      await ctx.settled();

      const restCalls = countingFetch();
      const offline = sdk({ token: reader.token, autoConnect: false, fetch: restCalls.fetch });
      expect(await offline.channels.markRead(channel.id, 2)).toEqual({ channelId: channel.id, lastReadSeq: 2, unreadCount: 3 });
      expect(restCalls.calls.map((call) => `${call.method} ${call.path}`)).toEqual([
        `POST /api/channels/${channel.id}/read`,
      ]);
      expect(restCalls.calls[0]!.body).toEqual({ seq: 2 });

      const socketCalls = countingFetch();
      const online = sdk({ token: reader.token, fetch: socketCalls.fetch });
      await online.connect();
      expect(await online.channels.markRead(channel.id, 4)).toEqual({ channelId: channel.id, lastReadSeq: 4, unreadCount: 1 });
      // A lower seq changes nothing; no seq marks everything read.
      expect(await online.channels.markRead(channel.id, 1)).toEqual({ channelId: channel.id, lastReadSeq: 4, unreadCount: 1 });
      expect(await online.channels.markRead(channel.id)).toEqual({ channelId: channel.id, lastReadSeq: 5, unreadCount: 0 });
      expect(socketCalls.calls).toEqual([]);

      await ctx.settled();
      const item = (await offline.channels.list()).items.find((entry) => entry.id === channel.id);
      expect(item).toMatchObject({ last_read_seq: 5, unread_count: 0, last_seq: 5 });
    });
  });

  describe('messages and reactions', () => {
    it('update edits your message over REST or the socket, and others hear message.updated', async () => {
      const { users, channel } = await room('editor', 'reader');
      const [editor, reader] = users as [TestUser, TestUser];
      const offline = sdk({ token: editor.token, autoConnect: false });
      const readerClient = sdk({ token: reader.token });
      await readerClient.connect();
      const message = await offline.messages.send(channel.id, 'typo');
      const heard = nextEvent(readerClient, 'message.updated');
      const viaRest = await offline.messages.update(channel.id, message.id, 'fixed');
      expect(viaRest).toMatchObject({ id: message.id, text: 'fixed', edited_at: expect.stringMatching(ISO) });
      expect(await heard).toEqual({ ...viaRest, version: expect.any(Number) });

      const online = sdk({ token: editor.token });
      await online.connect();
      expect(await online.messages.update(channel.id, message.id, 'fixed twice', { metadata: { lang: 'en' } })).toMatchObject({
        text: 'fixed twice',
        metadata: { lang: 'en' },
      });
      expectHeyyoError(await rejection(readerClient.messages.update(channel.id, message.id, 'not mine')), NotFoundError, {
        status: 404,
        code: ErrorCodes.MESSAGE_NOT_FOUND,
        message: /^Message not found or unauthorized$/,
      });
    });

    it('replies pages a thread; applyReply counts the replies heard as message.new, once each, as the server does', async () => {
      const { users, channel } = await room('poster', 'reader');
      const [poster, reader] = users as [TestUser, TestUser];
      const posterClient = sdk({ token: poster.token, autoConnect: false });
      const readerClient = sdk({ token: reader.token });
      await readerClient.connect();
      const parent = await posterClient.messages.send(channel.id, 'parent');
      const first = await posterClient.messages.send(channel.id, 'first', { parentId: parent.id });
      // The reader holds the parent as listed (one reply counted), then hears two more replies.
      let [held] = await readerClient.messages.list(channel.id);
      expect(held).toMatchObject({ id: parent.id, reply_count: 1, last_reply_at: first.created_at });
      const heard = record(readerClient, 'message.new');
      await posterClient.messages.send(channel.id, 'second', { parentId: parent.id });
      await posterClient.messages.send(channel.id, 'unrelated');
      const third = await posterClient.messages.send(channel.id, 'third', { parentId: parent.id });
      await eventually(() => heard.some((message) => message.id === third.id), 'the third reply to be heard');
      // Each reply once, and the one the listing counted already (heard again here) not twice.
      for (const message of [first, ...heard, ...heard]) held = applyReply(held!, message);
      const [listedNow] = await readerClient.messages.list(channel.id);
      expect(held).toEqual(listedNow);
      expect(held).toMatchObject({ reply_count: 3, last_reply_at: third.created_at });

      const page = await readerClient.messages.replies(channel.id, parent.id, { limit: 2 });
      expect(page.map((message) => message.text)).toEqual(['second', 'third']);
      const back = await readerClient.messages.replies(channel.id, parent.id, { before: page[0]!.created_at });
      expect(back.map((message) => message.text)).toEqual(['first']);
    });

    it('pin, unpin and channels.pins; members hear message.pinned and message.unpinned', async () => {
      const { users, channel } = await room('owner', 'member');
      const [owner, member] = users as [TestUser, TestUser];
      const ownerClient = sdk({ token: owner.token, autoConnect: false });
      const memberClient = sdk({ token: member.token });
      await memberClient.connect();
      const message = await ownerClient.messages.send(channel.id, 'pin me');
      const pinnedHeard = nextEvent(memberClient, 'message.pinned');
      const pinned = await ownerClient.messages.pin(channel.id, message.id);
      expect(pinned).toEqual({ ...message, pinned_at: expect.stringMatching(ISO), pinned_by: owner.id });
      expect(await pinnedHeard).toEqual({ ...pinned, version: expect.any(Number) });
      expect((await memberClient.channels.pins(channel.id)).items.map((listed) => listed.id)).toEqual([message.id]);
      expect((await memberClient.channels.pins(channel.id, { offset: 1 })).items).toEqual([]);
      expectHeyyoError(await rejection(memberClient.messages.pin(channel.id, message.id)), ForbiddenError, {
        status: 403,
        code: ErrorCodes.FORBIDDEN,
        message: /\(pin\)$/,
      });

      const unpinnedHeard = nextEvent(memberClient, 'message.unpinned');
      expect(await ownerClient.messages.unpin(channel.id, message.id)).toMatchObject({ id: message.id, pinned_at: null, pinned_by: null });
      expect(await unpinnedHeard).toMatchObject({ id: message.id, pinned_at: null });
      expect((await memberClient.channels.pins(channel.id)).items).toEqual([]);
    });

    it('send (REST) returns the stored Message; list pages with limit, before and afterSeq; delete leaves a tombstone', async () => {
      const { users, channel } = await room('author', 'other');
      const [author, other] = users as [TestUser, TestUser];
      const client = sdk({ token: author.token, autoConnect: false });
      const otherClient = sdk({ token: other.token, autoConnect: false });

      const first = await client.messages.send(channel.id, 'hello', {
        clientId: 'first-client-id',
        metadata: { k: 'v' },
        attachments: [{ type: 'image', url: 'https://example.com/a.png' }],
      });
      expect(first).toEqual(
        expectedMessage(author, channel.id, {
          seq: 1,
          text: 'hello',
          client_id: 'first-client-id',
          metadata: { k: 'v' },
          attachments: [{ type: 'image', url: 'https://example.com/a.png' }],
        }),
      );
      const reply = await client.messages.send(channel.id, 'a reply', { parentId: first.id });
      expect(reply).toEqual(expectedMessage(author, channel.id, { seq: 2, text: 'a reply', parent_id: first.id }));
      // A generated idempotency key, different per send.
      expect(reply.client_id).not.toBe(first.client_id);
      // The parent as it is now: its reply counted.
      const firstNow = { ...first, reply_count: 1, last_reply_at: reply.created_at };
      const sent = [firstNow, reply];
      for (let index = 3; index <= 5; index++) sent.push(await otherClient.messages.send(channel.id, `m${index}`));
      expect(sent.map((message) => message.seq)).toEqual([1, 2, 3, 4, 5]);

      // The same clientId again: the original message as it is now (its reply counted), nothing new stored.
      const replayed = await client.messages.send(channel.id, 'hello', { clientId: 'first-client-id' });
      expect(replayed).toEqual(firstNow);

      const all = await client.messages.list(channel.id);
      expect(all).toEqual(sent.map((message) => listed(message)));

      const newest = await client.messages.list(channel.id, { limit: 2 });
      expect(newest.map((message) => message.seq)).toEqual([4, 5]);
      const older = await client.messages.list(channel.id, { limit: 2, before: newest[0]!.created_at });
      expect(older.map((message) => message.seq)).toEqual([2, 3]);
      const oldest = await client.messages.list(channel.id, { limit: 2, before: older[0]!.created_at });
      expect(oldest).toEqual([listed(firstNow)]);
      expect((await client.messages.list(channel.id, { afterSeq: 3 })).map((message) => message.seq)).toEqual([4, 5]);
      expect((await client.messages.list(channel.id, { afterSeq: 1, limit: 2 })).map((message) => message.seq)).toEqual([2, 3]);
      expect(await client.messages.list(channel.id, { afterSeq: 5 })).toEqual([]);

      // Delete: gone from history, a tombstone in catch-up; only the sender may delete.
      expect(await client.messages.delete(channel.id, reply.id)).toEqual({ message: 'Message deleted' });
      expect((await client.messages.list(channel.id)).map((message) => message.seq)).toEqual([1, 3, 4, 5]);
      const tombstone = (await client.messages.list(channel.id, { afterSeq: 1, limit: 1 }))[0];
      expect(tombstone).toMatchObject({ id: reply.id, seq: 2, text: null, deleted_at: expect.stringMatching(ISO) });
      expectHeyyoError(await rejection(client.messages.delete(channel.id, reply.id)), NotFoundError, {
        status: 404,
        code: ErrorCodes.MESSAGE_NOT_FOUND,
        message: 'Message not found or unauthorized',
      });
      expectHeyyoError(await rejection(otherClient.messages.delete(channel.id, first.id)), NotFoundError, {
        status: 404,
        code: ErrorCodes.MESSAGE_NOT_FOUND,
        message: 'Message not found or unauthorized',
      });
    });

    it('reactions.add and reactions.remove show in messages.list once the worker settled', async () => {
      const { users, channel } = await room('poster', 'fan');
      const [poster, fan] = users as [TestUser, TestUser];
      const posterClient = sdk({ token: poster.token, autoConnect: false });
      const fanClient = sdk({ token: fan.token, autoConnect: false });
      const message = await posterClient.messages.send(channel.id, 'react to me');

      await expect(fanClient.reactions.add(channel.id, message.id, ':heart:')).resolves.toBeUndefined();
      await posterClient.reactions.add(channel.id, message.id, ':heart:');
      await posterClient.reactions.add(channel.id, message.id, ':+1:');
      // The same reaction again is ignored.
      await fanClient.reactions.add(channel.id, message.id, ':heart:');
      await ctx.settled();
      const [withReactions] = await fanClient.messages.list(channel.id);
      const byTypeAndUser = (left: { type: string; user_id: string }, right: { type: string; user_id: string }) =>
        `${left.type}|${left.user_id}`.localeCompare(`${right.type}|${right.user_id}`);
      expect({ ...withReactions!, reactions: [...withReactions!.reactions].sort(byTypeAndUser) }).toEqual(
        listed(
          message,
          [
            { type: ':+1:', user_id: poster.id, count: 1 },
            { type: ':heart:', user_id: poster.id, count: 1 },
            { type: ':heart:', user_id: fan.id, count: 1 },
          ].sort(byTypeAndUser),
          { ':heart:': 2, ':+1:': 1 },
        ),
      );

      await expect(posterClient.reactions.remove(channel.id, message.id, ':heart:')).resolves.toBeUndefined();
      // Removing what is not there succeeds too.
      await posterClient.reactions.remove(channel.id, message.id, ':nope:');
      await ctx.settled();
      const [afterRemoval] = await posterClient.messages.list(channel.id);
      expect(afterRemoval!.reaction_counts).toEqual({ ':heart:': 1, ':+1:': 1 });
      expect([...afterRemoval!.reactions].sort(byTypeAndUser)).toEqual(
        [
          { type: ':+1:', user_id: poster.id, count: 1 },
          { type: ':heart:', user_id: fan.id, count: 1 },
        ].sort(byTypeAndUser),
      );
    });
  });

  describe('events', () => {
    it('relays every server event through on(), each with its documented payload', async () => {
      const { app, users, channel } = await room('actor', 'watcher');
      const [actor, watcher] = users as [TestUser, TestUser];
      const joiner = await person(ctx, app, 'joiner');
      const added = await person(ctx, app, 'added');

      const watcherClient = sdk({ token: watcher.token });
      await watcherClient.connect();
      const watcherPhone = sdk({ token: watcher.token });
      await watcherPhone.connect();

      // presence.changed: online when the actor's first connection opens.
      const online = nextEvent(watcherClient, 'presence.changed', (event) => event.userId === actor.id);
      const actorClient = sdk({ token: actor.token });
      await actorClient.connect();
      expect(await online).toEqual({ userId: actor.id, externalId: 'actor', status: 'online' });

      // message.new: the acknowledged message, exactly.
      const arrived = nextEvent(watcherClient, 'message.new');
      const message = await actorClient.messages.send(channel.id, 'live');
      expect(await arrived).toEqual(message);
      expect(message).toEqual(expectedMessage(actor, channel.id, { seq: 1, text: 'live' }));

      // typing.start / typing.stop reach the other user.
      const typing = nextEvent(watcherClient, 'typing.start');
      actorClient.typing.start(channel.id);
      expect(await typing).toEqual({ channelId: channel.id, userId: actor.id, externalId: 'actor' });
      const stopped = nextEvent(watcherClient, 'typing.stop');
      actorClient.typing.stop(channel.id);
      expect(await stopped).toEqual({ channelId: channel.id, userId: actor.id, externalId: 'actor' });

      // reaction.new / reaction.deleted, after the worker applied them.
      const reacted = nextEvent(watcherClient, 'reaction.new');
      await actorClient.reactions.add(channel.id, message.id, ':fire:');
      expect(await reacted).toEqual({
        messageId: message.id,
        channelId: channel.id,
        userId: actor.id,
        externalId: 'actor',
        type: ':fire:',
        version: expect.any(Number),
      });
      const unreacted = nextEvent(watcherClient, 'reaction.deleted');
      await actorClient.reactions.remove(channel.id, message.id, ':fire:');
      expect(await unreacted).toEqual({
        messageId: message.id,
        channelId: channel.id,
        userId: actor.id,
        externalId: 'actor',
        type: ':fire:',
        version: expect.any(Number),
      });

      // message.deleted
      const deleted = nextEvent(watcherClient, 'message.deleted');
      await actorClient.messages.delete(channel.id, message.id);
      expect(await deleted).toEqual({
        messageId: message.id,
        channelId: channel.id,
        seq: 1,
        deletedAt: expect.stringMatching(ISO),
        version: expect.any(Number),
      });

      // member.joined: by join and by addMember.
      const joined = nextEvent(watcherClient, 'member.joined');
      await sdk({ token: joiner.token, autoConnect: false }).channels.join(channel.id);
      expect(await joined).toEqual({ channelId: channel.id, userId: joiner.id, externalId: 'joiner', version: expect.any(Number) });
      const addedEvent = nextEvent(watcherClient, 'member.joined');
      await actorClient.channels.addMember(channel.id, added.id);
      expect(await addedEvent).toEqual({ channelId: channel.id, userId: added.id, externalId: 'added', version: expect.any(Number) });

      // member.left
      const leftEvent = nextEvent(watcherClient, 'member.left');
      expect(await sdk({ token: added.token, autoConnect: false }).channels.leave(channel.id)).toEqual({ message: 'Left channel' });
      expect(await leftEvent).toEqual({ channelId: channel.id, userId: added.id, externalId: 'added', version: expect.any(Number) });

      // channel.read: the reader's other device hears of it.
      const second = await actorClient.messages.send(channel.id, 'to be read');
      const synced = nextEvent(watcherPhone, 'channel.read');
      expect(await watcherClient.channels.markRead(channel.id)).toEqual({
        channelId: channel.id,
        lastReadSeq: second.seq,
        unreadCount: 0,
      });
      expect(await synced).toEqual({ channelId: channel.id, userId: watcher.id, lastReadSeq: second.seq, unreadCount: 0 });

      // presence.changed: offline when the actor's last connection closes.
      const offline = nextEvent(watcherClient, 'presence.changed', (event) => event.userId === actor.id);
      actorClient.disconnect();
      expect(await offline).toEqual({ userId: actor.id, externalId: 'actor', status: 'offline' });
    });

    it('off() removes exactly the handler given; on() and off() chain', async () => {
      const { users, channel } = await room('speaker', 'listener');
      const [speaker, listener] = users as [TestUser, TestUser];
      const listenerClient = sdk({ token: listener.token });
      await listenerClient.connect();
      const speakerClient = sdk({ token: speaker.token });
      await speakerClient.connect();

      const removedMessages: Message[] = [];
      const removedTyping: unknown[] = [];
      const onMessage = (message: Message) => removedMessages.push(message);
      const onTyping = (event: unknown) => removedTyping.push(event);
      expect(listenerClient.on('message.new', onMessage)).toBe(listenerClient);
      expect(listenerClient.on('typing.start', onTyping)).toBe(listenerClient);
      expect(listenerClient.off('message.new', onMessage).off('typing.start', onTyping)).toBe(listenerClient);
      const keptMessages = record(listenerClient, 'message.new');
      const keptTyping = record(listenerClient, 'typing.start');

      speakerClient.typing.start(channel.id);
      const sent = await speakerClient.messages.send(channel.id, 'after off');
      // Both reach the handlers still registered; the removed ones saw nothing.
      await eventually(() => keptMessages.length === 1 && keptTyping.length === 1, 'the kept handlers to fire');
      expect(keptMessages).toEqual([sent]);
      expect(removedMessages).toEqual([]);
      expect(removedTyping).toEqual([]);
    });
  });

  describe('connection', () => {
    it('stops catching up a channel its user left on another device', async () => {
      const { users, channel } = await room('owner', 'leaver');
      const leaver = users[1]!;
      const phone = sdk({ token: leaver.token, autoConnect: false });
      await phone.channels.list();
      await phone.connect();
      const errors = record(phone, 'error');
      const left = nextEvent(phone, 'member.left');
      await sdk({ token: leaver.token, autoConnect: false }).channels.leave(channel.id);
      await left;
      phone.disconnect();
      // Reconnecting catches up every channel it tracks: a left one would be refused (403).
      await phone.connect();
      expect(errors).toEqual([]);
    });

    it('connect() and disconnect() drive connection.changed and the server-side presence', async () => {
      const { users, channel } = await room('owner', 'device');
      const [owner, device] = users as [TestUser, TestUser];
      const ownerClient = sdk({ token: owner.token, autoConnect: false });
      const client = sdk({ token: device.token, autoConnect: false });
      const states = record(client, 'connection.changed');
      const isOnline = async () =>
        (await ownerClient.channels.get(channel.id)).members.find((member) => member.id === device.id)!.is_online;

      expect(client.connected).toBe(false);
      expect(states).toEqual([]);
      expect(await isOnline()).toBe(false);

      await client.connect();
      expect(client.connected).toBe(true);
      expect(states).toEqual([{ state: 'connecting' }, { state: 'connected' }]);
      expect(await isOnline()).toBe(true);
      // connect() when connected resolves at once and changes nothing.
      await client.connect();
      expect(states).toHaveLength(2);

      client.disconnect();
      expect(client.connected).toBe(false);
      expect(states).toEqual([{ state: 'connecting' }, { state: 'connected' }, { state: 'disconnected' }]);
      await eventually(async () => (await isOnline()) === false, 'the device to be offline');

      // And again: the client can reconnect after disconnect().
      await client.connect();
      expect(client.connected).toBe(true);
      expect(states.map((event) => event.state)).toEqual(['connecting', 'connected', 'disconnected', 'connecting', 'connected']);
    });

    it('autoConnect: by default the first on() opens the socket (on("error") does not); true at once; false only connect()', async () => {
      const { app, users, channel } = await room('observer', 'lazy', 'eager', 'manual');
      const [observer, lazy, eager, manual] = users as [TestUser, TestUser, TestUser, TestUser];
      const observerClient = sdk({ token: observer.token, autoConnect: false });
      const isOnline = async (user: TestUser) =>
        (await observerClient.channels.get(channel.id)).members.find((member) => member.id === user.id)!.is_online;

      // Default: REST and on('error') leave the socket closed (a REST-only script ends by itself)…
      const lazyClient = sdk({ token: lazy.token });
      expect((await lazyClient.channels.list()).items).toHaveLength(1);
      lazyClient.on('error', () => {});
      expect(await isOnline(lazy)).toBe(false);
      expect(lazyClient.connected).toBe(false);
      // …and the first other subscription opens it: its listener sees the whole sequence.
      const lazyStates = record(lazyClient, 'connection.changed');
      await eventually(() => lazyClient.connected, 'the lazy client to connect');
      expect(lazyStates).toEqual([{ state: 'connecting' }, { state: 'connected' }]);
      expect(await isOnline(lazy)).toBe(true);

      // true: at once, with no subscription at all.
      const eagerClient = sdk({ token: eager.token, autoConnect: true });
      await eventually(() => eagerClient.connected, 'the eager client to connect');
      expect(await isOnline(eager)).toBe(true);

      // false: subscribing does not connect; connect() does.
      const manualClient = sdk({ token: manual.token, autoConnect: false });
      const manualStates = record(manualClient, 'connection.changed');
      manualClient.on('message.new', () => {});
      expect(await isOnline(manual)).toBe(false);
      expect(manualStates).toEqual([]);
      await manualClient.connect();
      expect(manualStates).toEqual([{ state: 'connecting' }, { state: 'connected' }]);
      expect(app.id).toMatch(UUID);
    });

    it('a message sent before the first on() still arrives: subscribing connects and catches up', async () => {
      const app = await ctx.newApp();
      const [owner, peer] = [await person(ctx, app, 'owner'), await person(ctx, app, 'peer')];
      const client = sdk({ token: owner.token });
      const channel = await client.channels.create('early', { members: [peer.id] });
      const peerClient = sdk({ token: peer.token, autoConnect: false });
      const early = [
        await peerClient.messages.send(channel.id, 'before subscribing 1'),
        await peerClient.messages.send(channel.id, 'before subscribing 2'),
      ];
      expect(client.connected).toBe(false);

      const delivered = record(client, 'message.new');
      await eventually(() => delivered.length >= 2 && client.connected, 'the early messages');
      const later = await peerClient.messages.send(channel.id, 'after subscribing');
      await eventually(() => delivered.length >= 3, 'the live message');
      expect(delivered).toEqual([...early, later]);
    });

    it('its own REST send before the first on() reaches message.new once subscribing connected and caught up', async () => {
      const { users, channel } = await room('owner', 'author');
      const [, author] = users as [TestUser, TestUser];
      // A client that has not listed or created the channel: the send itself tells it where to start.
      const client = sdk({ token: author.token });
      const mine = await client.messages.send(channel.id, 'sent before subscribing');
      expect(client.connected).toBe(false);
      const delivered = record(client, 'message.new');
      await eventually(() => delivered.length >= 1 && client.connected, 'its own message');
      const peer = sdk({ token: users[0]!.token, autoConnect: false });
      const next = await peer.messages.send(channel.id, 'after');
      await eventually(() => delivered.length >= 2, 'the next message');
      expect(delivered).toEqual([mine, next]);
    });

    it('messages.send uses the socket when connected, REST when not (counted through options.fetch)', async () => {
      const { users, channel } = await room('sender', 'peer');
      const [sender] = users as [TestUser];

      const socketCalls = countingFetch();
      const connected = sdk({ token: sender.token, fetch: socketCalls.fetch });
      const own = record(connected, 'message.new');
      await connected.connect();
      const viaSocket = await connected.messages.send(channel.id, 'over the socket', { clientId: 'socket-send-1' });
      expect(viaSocket).toEqual(expectedMessage(sender, channel.id, { seq: 1, text: 'over the socket', client_id: 'socket-send-1' }));
      expect(socketCalls.messagePosts()).toHaveLength(0);
      expect(socketCalls.calls).toEqual([]);

      const restCalls = countingFetch();
      const notConnected = sdk({ token: sender.token, autoConnect: false, fetch: restCalls.fetch });
      const viaRest = await notConnected.messages.send(channel.id, 'over REST');
      expect(restCalls.messagePosts()).toHaveLength(1);
      expect(restCalls.messagePosts()[0]!.body).toEqual({ text: 'over REST', client_id: viaRest.client_id });
      expect(viaRest).toEqual(expectedMessage(sender, channel.id, { seq: 2, text: 'over REST' }));

      // The same clientId over REST returns the message the socket stored.
      expect(await notConnected.messages.send(channel.id, 'over the socket', { clientId: 'socket-send-1' })).toEqual(viaSocket);

      // A message of attachments only (text null) over both transports.
      const image = [{ type: 'image', url: 'https://example.com/i.png' }];
      const socketAttachment = await connected.messages.send(channel.id, null, { attachments: image, parentId: viaSocket.id });
      const restAttachment = await notConnected.messages.send(channel.id, null, { attachments: image, parentId: null });
      expect(socketAttachment).toEqual(
        expectedMessage(sender, channel.id, { seq: 3, text: null, attachments: image, parent_id: viaSocket.id }),
      );
      expect(restAttachment).toEqual(expectedMessage(sender, channel.id, { seq: 4, text: null, attachments: image }));
      expect(socketCalls.messagePosts()).toHaveLength(0);
      // 'over REST', the replay of 'socket-send-1', and this one.
      expect(restCalls.messagePosts()).toHaveLength(3);
      // Typing is best effort: nothing happens (and nothing throws) while not connected.
      expect(() => notConnected.typing.start(channel.id)).not.toThrow();

      // Every message of the channel (its own included) reached message.new once, in seq order.
      await eventually(() => own.length >= 4, 'the sender’s own messages');
      expect(own).toEqual([viaSocket, viaRest, socketAttachment, restAttachment]);

      // After disconnect() the connected client sends over REST too…
      connected.disconnect();
      const afterDisconnect = await connected.messages.send(channel.id, 'after disconnect');
      expect(socketCalls.messagePosts()).toHaveLength(1);
      expect(afterDisconnect.seq).toBe(5);
      expect((await notConnected.messages.list(channel.id)).map((message) => message.text)).toEqual([
        'over the socket',
        'over REST',
        null,
        null,
        'after disconnect',
      ]);
      // …and gets it on message.new by the catch-up when it connects again.
      await connected.connect();
      await eventually(() => own.length >= 5, 'the message sent while disconnected');
      expect(own).toEqual([viaSocket, viaRest, socketAttachment, restAttachment, afterDisconnect]);
    });

    it('catches up on connect() what was sent while disconnected, once each and in seq order', async () => {
      const { users, channel } = await room('talker', 'sleeper');
      const [talker, sleeper] = users as [TestUser, TestUser];
      const talkerClient = sdk({ token: talker.token, autoConnect: false });
      const client = sdk({ token: sleeper.token, autoConnect: false });
      const delivered = record(client, 'message.new');
      const resets = record(client, 'reset');
      await client.connect();
      await client.channels.list();

      const sent: Message[] = [await talkerClient.messages.send(channel.id, 'live 1')];
      await eventually(() => delivered.length === 1, 'the live message');
      client.disconnect();
      for (let index = 0; index < 150; index++) sent.push(await talkerClient.messages.send(channel.id, `away ${index}`));
      // A deleted one is skipped silently (a tombstone in the catch-up).
      const gone = await talkerClient.messages.send(channel.id, 'deleted while away');
      await talkerClient.messages.delete(channel.id, gone.id);
      // connect() resolves once connected and caught up: nothing live has revealed the gap yet.
      await client.connect();
      expect(delivered.map((message) => message.seq)).toEqual(sent.map((message) => message.seq));
      sent.push(await talkerClient.messages.send(channel.id, 'live 2'));

      await eventually(() => delivered.length === sent.length, `${sent.length} messages`);
      expect(delivered.map((message) => message.id)).toEqual(sent.map((message) => message.id));
      expect(delivered.map((message) => message.seq)).toEqual(sent.map((message) => message.seq));
      expect(resets).toEqual([]);
    });
  });

  describe('catching up changes', () => {
    it('delivers on connect() each change made while disconnected once, in order, and none it had live', async () => {
      const { app, users, channel } = await room('talker', 'sleeper');
      const [talker, sleeper] = users as [TestUser, TestUser];
      const [joiner, early] = [await person(ctx, app, 'joiner'), await person(ctx, app, 'early')];
      const talkerClient = sdk({ token: talker.token, autoConnect: false });
      const client = sdk({ token: sleeper.token, autoConnect: false });
      const events = ['message.updated', 'message.deleted', 'reaction.new', 'member.joined', 'channel.updated'] as const;
      const heard: [string, number][] = [];
      for (const event of events) client.on(event, ((payload: { version: number }) => heard.push([event, payload.version])) as never);
      const delivered = record(client, 'message.new');
      await client.connect();
      const [first, second] = [await talkerClient.messages.send(channel.id, 'one'), await talkerClient.messages.send(channel.id, 'two')];
      await eventually(() => delivered.length === 2, 'the live messages');
      // Heard live: not to be repeated by the catch-up.
      const liveEdit = nextEvent(client, 'message.updated');
      await talkerClient.messages.update(channel.id, first.id, 'one, edited live');
      const { version: liveVersion } = await liveEdit;
      const liveJoin = nextEvent(client, 'member.joined');
      await sdk({ token: early.token, autoConnect: false }).channels.join(channel.id);
      await liveJoin;

      client.disconnect();
      await talkerClient.messages.update(channel.id, second.id, 'two, edited away');
      await talkerClient.reactions.add(channel.id, first.id, ':wave:');
      await ctx.settled();
      await sdk({ token: joiner.token, autoConnect: false }).channels.join(channel.id);
      await talkerClient.channels.update(channel.id, { name: 'renamed away' });
      await talkerClient.messages.delete(channel.id, first.id);

      await client.connect();
      expect(heard.map(([event]) => event)).toEqual([
        'message.updated',
        'member.joined', // early: heard live, in the catch-up too, delivered once
        'message.updated', // two, edited away
        'reaction.new',
        'member.joined',
        'channel.updated',
        'message.deleted', // one: deleted after it was reacted to, so its reaction comes before
      ]);
      expect(heard[0]![1]).toBe(liveVersion);
      const versions = heard.slice(1).map(([, version]) => version);
      expect([...versions].sort((a, b) => a - b)).toEqual(versions);

      // Caught up: a reconnect repeats nothing, and what follows comes live.
      client.disconnect();
      await client.connect();
      expect(heard).toHaveLength(7);
      const renamed = nextEvent(client, 'channel.updated');
      await talkerClient.channels.update(channel.id, { name: 'live again' });
      expect(await renamed).toMatchObject({ name: 'live again', version: expect.any(Number) });
      expect(heard).toHaveLength(8);
    });
  });

  describe('typed errors', () => {
    it('400 ValidationError for a text over 4000 characters, over REST and over the socket', async () => {
      const { users, channel } = await room('verbose', 'peer');
      const [verbose] = users as [TestUser];
      const expected = { status: 400, code: ErrorCodes.VALIDATION, message: 'text must be at most 4000 characters' };

      const rest = sdk({ token: verbose.token, autoConnect: false });
      expectHeyyoError(await rejection(rest.messages.send(channel.id, 'x'.repeat(4001))), ValidationError, expected);

      // Over the socket the ack error is typed the same way, and there is no REST retry.
      const calls = countingFetch();
      const socket = sdk({ token: verbose.token, fetch: calls.fetch });
      await socket.connect();
      expectHeyyoError(await rejection(socket.messages.send(channel.id, 'x'.repeat(4001))), ValidationError, expected);
      expect(calls.messagePosts()).toHaveLength(0);
      expect(await rest.messages.list(channel.id)).toEqual([]);

      // before and afterSeq together are refused.
      expectHeyyoError(
        await rejection(rest.messages.list(channel.id, { before: new Date().toISOString(), afterSeq: 0 })),
        ValidationError,
        { status: 400, code: ErrorCodes.VALIDATION, message: /.+/ },
      );
      // 413 (body over 256 KiB) is a ValidationError too.
      expectHeyyoError(
        await rejection(rest.messages.send(channel.id, 'big', { metadata: { blob: 'x'.repeat(300 * 1024) } })),
        ValidationError,
        { status: 413, code: ErrorCodes.PAYLOAD_TOO_LARGE, message: /.+/ },
      );
      expectHeyyoError(await rejection(rest.channels.create('')), ValidationError, {
        status: 400,
        code: ErrorCodes.VALIDATION,
        message: 'name must NOT have fewer than 1 characters',
      });
    });

    it('401/403 AuthenticationError for a bad, expired or unreadable token without a tokenProvider', async () => {
      const user = await ctx.newUser();
      expectHeyyoError(await rejection(sdk({ token: 'not-a-jwt', autoConnect: false }).channels.list()), AuthenticationError, {
        status: 403,
        code: ErrorCodes.INVALID_TOKEN,
        message: 'Invalid token',
      });
      const wrongKey = await forge(user, { secret: 'another-secret-that-is-long-enough-for-hs256-000' });
      expectHeyyoError(await rejection(sdk({ token: wrongKey, autoConnect: false }).channels.list()), AuthenticationError, {
        status: 403,
        code: ErrorCodes.INVALID_TOKEN,
        message: 'Invalid token',
      });
      const expired = await forge(user, { iat: nowSeconds() - 7200, exp: nowSeconds() - 3600 });
      expectHeyyoError(await rejection(sdk({ token: expired, autoConnect: false }).channels.list()), AuthenticationError, {
        status: 403,
        code: ErrorCodes.TOKEN_EXPIRED,
        message: 'Token expired',
      });
      // A token the Authorization header cannot carry is no credentials at all: 401.
      expectHeyyoError(await rejection(sdk({ token: 'two words', autoConnect: false }).channels.list()), AuthenticationError, {
        status: 401,
        code: ErrorCodes.AUTH_REQUIRED,
        message: 'Authentication required',
      });
    });

    it('403 ForbiddenError for a channel the user is not a member of', async () => {
      const { app, channel } = await room('insider', 'peer');
      const outsider = await person(ctx, app, 'outsider');
      const client = sdk({ token: outsider.token, autoConnect: false });
      const notMember = { status: 403, code: ErrorCodes.NOT_MEMBER, message: 'Not a member of this channel' };
      expectHeyyoError(await rejection(client.messages.list(channel.id)), ForbiddenError, notMember);
      expectHeyyoError(await rejection(client.messages.send(channel.id, 'let me in')), ForbiddenError, notMember);
      expectHeyyoError(await rejection(client.channels.addMember(channel.id, outsider.id)), ForbiddenError, notMember);
      expectHeyyoError(await rejection(client.channels.markRead(channel.id)), ForbiddenError, notMember);

      // Over the socket too, without a REST retry.
      const calls = countingFetch();
      const socket = sdk({ token: outsider.token, fetch: calls.fetch });
      await socket.connect();
      expectHeyyoError(await rejection(socket.messages.send(channel.id, 'let me in')), ForbiddenError, notMember);
      expectHeyyoError(await rejection(socket.channels.markRead(channel.id)), ForbiddenError, notMember);
      expect(calls.calls).toEqual([]);
    });

    it('404 NotFoundError for a missing, hidden or malformed channel, user or message', async () => {
      const { app, users, channel } = await room('member', 'peer');
      const outsider = await person(ctx, app, 'outsider');
      const member = sdk({ token: users[0]!.token, autoConnect: false });
      const stranger = sdk({ token: outsider.token, autoConnect: false });
      const channelNotFound = { status: 404, code: ErrorCodes.CHANNEL_NOT_FOUND, message: 'Channel not found' };
      expectHeyyoError(await rejection(member.channels.get(randomUUID())), NotFoundError, channelNotFound);
      expectHeyyoError(await rejection(member.channels.get('not-a-uuid')), NotFoundError, channelNotFound);
      // A channel the caller is not a member of looks like a missing one.
      expectHeyyoError(await rejection(stranger.channels.get(channel.id)), NotFoundError, channelNotFound);
      expectHeyyoError(await rejection(stranger.channels.join(randomUUID())), NotFoundError, channelNotFound);
      expectHeyyoError(await rejection(member.channels.addMember(channel.id, randomUUID())), NotFoundError, {
        status: 404,
        code: ErrorCodes.USER_NOT_FOUND,
        message: 'User not found',
      });
      expectHeyyoError(await rejection(member.reactions.add(channel.id, randomUUID(), ':x:')), NotFoundError, {
        status: 404,
        code: ErrorCodes.MESSAGE_NOT_FOUND,
        message: 'Message not found',
      });
    });

    it('NetworkError when nothing answers at apiUrl', async () => {
      const user = await ctx.newUser();
      const client = sdk({ apiUrl: await closedPortUrl(), token: user.token, autoConnect: false });
      for (const attempt of [client.channels.list(), client.messages.send(randomUUID(), 'nobody there')]) {
        const error = await rejection(attempt);
        expectHeyyoError(error, NetworkError, { status: 0, code: undefined, message: /.+/ });
      }
      const server = new HeyyoServerClient({ apiUrl: await closedPortUrl(), apiKey: 'cb_x', apiSecret: 'cbs_x' });
      expectHeyyoError(await rejection(server.users.list()), NetworkError, { status: 0, code: undefined, message: /.+/ });
    });

    it('reports a refused socket as a WebSocketError on "error", and then sends over REST', async () => {
      const { users, channel } = await room('lonely', 'peer');
      const [lonely] = users as [TestUser];

      // A bad token without a provider: the handshake's refusal, typed, with the server's code.
      const badToken = sdk({ token: 'not-a-jwt', autoConnect: true });
      const refused = await nextEvent(badToken, 'error');
      expectHeyyoError(refused, WebSocketError, { status: 0, code: ErrorCodes.INVALID_TOKEN, message: 'Invalid token' });
      expect(badToken.connected).toBe(false);

      // A socket URL where nothing listens: socket errors are reported, REST keeps working.
      const calls = countingFetch();
      const client = sdk({ token: lonely.token, socketUrls: [await closedPortUrl()], fetch: calls.fetch, autoConnect: true });
      const socketError = await nextEvent(client, 'error');
      expectHeyyoError(socketError, WebSocketError, { status: 0, code: undefined, message: /.+/ });
      expect(client.connected).toBe(false);
      const message = await client.messages.send(channel.id, 'no socket, still sent');
      expect(calls.messagePosts()).toHaveLength(1);
      expect(message).toEqual(expectedMessage(lonely, channel.id, { seq: 1, text: 'no socket, still sent' }));
    });
  });

  describe('token refresh', () => {
    /** A provider that hands out `token` and counts its calls. */
    function provider(token: string) {
      const calls: number[] = [];
      return {
        calls,
        tokenProvider: async () => {
          calls.push(Date.now());
          return token;
        },
      };
    }

    it('an expired token: the first REST call succeeds after exactly one provider call', async () => {
      const user = await ctx.newUser();
      const fresh = await ctx.newUser(user.app, { externalId: user.externalId });
      const expired = await forge(user, { iat: nowSeconds() - 7200, exp: nowSeconds() - 3600 });
      const { calls, tokenProvider } = provider(fresh.token);
      const client = sdk({ token: expired, tokenProvider, autoConnect: false });

      expect((await client.channels.list()).items).toEqual([]);
      expect(calls).toHaveLength(1);
      await client.channels.create('after refresh');
      expect(calls).toHaveLength(1);
    });

    it('an expired token: the socket connects after exactly one provider call', async () => {
      const user = await ctx.newUser();
      const fresh = await ctx.newUser(user.app, { externalId: user.externalId });
      const expired = await forge(user, { iat: nowSeconds() - 7200, exp: nowSeconds() - 3600 });
      const { calls, tokenProvider } = provider(fresh.token);
      const client = sdk({ token: expired, tokenProvider });
      await client.connect();
      expect(client.connected).toBe(true);
      expect(calls).toHaveLength(1);
    });

    it('a token the server refuses (connect_error "Invalid token"): refreshed once, then the socket and REST work', async () => {
      const user = await ctx.newUser();
      const fresh = await ctx.newUser(user.app, { externalId: user.externalId });
      // Not expired by its claims, so only the server's refusal can trigger the refresh.
      const refusedToken = await forge(user, { secret: 'another-secret-that-is-long-enough-for-hs256-000' });
      const { calls, tokenProvider } = provider(fresh.token);
      const errors = [] as Error[];
      const client = sdk({ token: refusedToken, tokenProvider });
      client.on('error', (error) => errors.push(error));
      await client.connect();
      expect(calls).toHaveLength(1);
      expect((await client.channels.list()).items).toEqual([]);
      expect(calls).toHaveLength(1);
      // The refusal was handled, not reported.
      expect(errors).toEqual([]);
    });

    it('only a tokenProvider: one call serves both the socket and REST', async () => {
      const user = await ctx.newUser();
      const { calls, tokenProvider } = provider(user.token);
      const client = sdk({ tokenProvider });
      const [channels] = await Promise.all([client.channels.list(), client.connect()]);
      expect(channels.items).toEqual([]);
      expect(client.connected).toBe(true);
      expect(calls).toHaveLength(1);
    });

    it('refreshes before the token expires, once', async () => {
      const user = await ctx.newUser();
      const fresh = await ctx.newUser(user.app, { externalId: user.externalId });
      const iat = nowSeconds();
      const shortLived = await forge(user, { iat, exp: iat + 3 });
      const { calls, tokenProvider } = provider(fresh.token);
      const client = sdk({ token: shortLived, tokenProvider });
      await client.connect();
      await eventually(() => calls.length >= 1, 'the provider to be called', 5000);
      expect(calls).toHaveLength(1);
      expect(calls[0]!).toBeLessThan((iat + 3) * 1000);
      // The fresh token is in use: REST works after the short one expired, without another call.
      await eventually(() => Date.now() > (iat + 3) * 1000 + 100, 'the short token to expire', 5000);
      expect((await client.channels.list()).items).toEqual([]);
      expect(calls).toHaveLength(1);
    });

    it('still refreshes before expiry after disconnect() and connect() again', async () => {
      const user = await ctx.newUser();
      const fresh = await ctx.newUser(user.app, { externalId: user.externalId });
      const iat = nowSeconds();
      const expiresAt = (iat + 3) * 1000;
      const shortLived = await forge(user, { iat, exp: iat + 3 });
      const { calls, tokenProvider } = provider(fresh.token);
      const client = sdk({ token: shortLived, tokenProvider, autoConnect: false });
      await client.connect();
      client.disconnect();
      await client.connect();
      expect(client.connected).toBe(true);
      await eventually(() => calls.length > 0 || Date.now() > expiresAt + 500, 'a refresh or the expiry', 6000);
      expect(calls).toHaveLength(1);
      expect(calls[0]!).toBeLessThan(expiresAt);
    });

    it('a provider that returns a bad token: one retry, then AuthenticationError (no loop)', async () => {
      const user = await ctx.newUser();
      const { calls, tokenProvider } = provider('still-not-a-jwt');
      const client = sdk({ token: 'not-a-jwt', tokenProvider, autoConnect: false });
      expectHeyyoError(await rejection(client.channels.list()), AuthenticationError, {
        status: 403,
        code: ErrorCodes.INVALID_TOKEN,
        message: 'Invalid token',
      });
      expect(calls).toHaveLength(1);
      expect(user.id).toMatch(UUID);
    });
  });

  describe('HeyyoServerClient and HeyyoAdminClient', () => {
    it('createToken mints a working token with the profile and ttl asked for', async () => {
      const app = await ctx.newApp();
      const server = new HeyyoServerClient({ apiUrl: `${ctx.url}/`, apiKey: app.api_key, apiSecret: app.api_secret });
      const issued = await server.createToken('sdk-user-1', {
        displayName: 'Sdk User',
        avatarUrl: 'https://example.com/sdk.png',
        ttl: 120,
      });
      expect(issued).toEqual({ token: expect.any(String), expires_in: 120, user_id: expect.stringMatching(UUID) });
      const claims = decodeJwt(issued.token);
      expect(claims).toMatchObject({ sub: issued.user_id, app_id: app.id, ext: 'sdk-user-1', iss: 'heyyo', aud: 'heyyo' });
      expect(claims.exp! - claims.iat!).toBe(120);

      const client = sdk({ token: issued.token, autoConnect: false });
      const channel = await client.channels.create('with a server token');
      expect((await client.channels.get(channel.id)).members).toEqual([
        {
          id: issued.user_id,
          external_id: 'sdk-user-1',
          display_name: 'Sdk User',
          avatar_url: 'https://example.com/sdk.png',
          is_online: false,
          role: 'owner',
          joined_at: expect.stringMatching(ISO),
        },
      ]);
      await client.connect();
      expect(client.connected).toBe(true);

      // The server's default lifetime without ttl; out of range is a ValidationError.
      expect((await server.createToken('sdk-user-1')).expires_in).toBe(3600);
      const tooShort = await rejection(server.createToken('sdk-user-1', { ttl: 30 }));
      expect(tooShort).toBeInstanceOf(ValidationError);
      expect(tooShort).toMatchObject({ status: 400, code: ErrorCodes.VALIDATION });
    });

    it('createToken with role admin: a token that moderates every channel of the app', async () => {
      const app = await ctx.newApp();
      const server = new HeyyoServerClient({ apiUrl: ctx.url, apiKey: app.api_key, apiSecret: app.api_secret });
      const [owner, member, moderator] = await Promise.all(['owner', 'member', 'moderator'].map((id) => server.createToken(id)));
      const admin = await server.createToken('the-admin', { role: 'admin' });
      expect(decodeJwt(admin.token)).toMatchObject({ role: 'admin' });
      expect(decodeJwt(owner!.token).role).toBeUndefined();

      const ownerClient = sdk({ token: owner!.token });
      const channel = await ownerClient.channels.create('moderated', { members: [member!.user_id, moderator!.user_id] });
      await ownerClient.connect();
      const promoted = nextEvent(ownerClient, 'member.updated');
      expect(await ownerClient.channels.setMemberRole(channel.id, moderator!.user_id, 'moderator')).toEqual({ message: 'Member updated' });
      expect(await promoted).toEqual({ channelId: channel.id, userId: moderator!.user_id, externalId: 'moderator', role: 'moderator', version: expect.any(Number) });

      const removed = nextEvent(ownerClient, 'member.removed');
      const adminClient = sdk({ token: admin.token, autoConnect: false });
      expect(await adminClient.channels.removeMember(channel.id, member!.user_id)).toEqual({ message: 'Member removed' });
      expect(await removed).toEqual({ channelId: channel.id, userId: member!.user_id, externalId: 'member', removedBy: admin.user_id, version: expect.any(Number) });
      const refused = await rejection(sdk({ token: moderator!.token, autoConnect: false }).channels.setMemberRole(channel.id, owner!.user_id, 'member'));
      expect(refused).toMatchObject({ status: 403, code: ErrorCodes.FORBIDDEN });
    });

    it('moderation: ban, mute and slow mode from the user client; app-wide bans from the server client; channels.delete', async () => {
      const app = await ctx.newApp();
      const server = new HeyyoServerClient({ apiUrl: ctx.url, apiKey: app.api_key, apiSecret: app.api_secret });
      const [owner, member] = await Promise.all(['owner', 'member'].map((id) => server.createToken(id)));
      const ownerClient = sdk({ token: owner!.token, autoConnect: false });
      const memberClient = sdk({ token: member!.token });
      const channel = await ownerClient.channels.create('moderated', { members: [member!.user_id] });
      await memberClient.connect();

      const muted = await ownerClient.moderation.mute(channel.id, member!.user_id, { expiresIn: 60 });
      expect(muted).toMatchObject({ user_id: member!.user_id, external_id: 'member', created_by: owner!.user_id });
      expect((await ownerClient.moderation.mutes(channel.id)).items).toEqual([muted]);
      expect(await rejection(memberClient.messages.send(channel.id, 'hi'))).toMatchObject({ status: 403, code: ErrorCodes.MUTED });
      await ownerClient.moderation.unmute(channel.id, member!.user_id);

      await ownerClient.channels.update(channel.id, { slow_mode_seconds: 60 });
      await memberClient.messages.send(channel.id, 'one');
      expect(await rejection(memberClient.messages.send(channel.id, 'two'))).toMatchObject({ status: 429, code: ErrorCodes.SLOW_MODE });

      const appBanned = nextEvent(memberClient, 'user.banned');
      expect(await server.users.ban(member!.user_id, { reason: 'abuse' })).toEqual({ user_id: member!.user_id, reason: 'abuse', expires_at: null });
      expect(await appBanned).toEqual({ userId: member!.user_id, expiresAt: null });
      expect(await server.users.unban(member!.user_id)).toEqual({ message: 'Ban lifted' });

      const banned = nextEvent(memberClient, 'member.banned');
      await ownerClient.moderation.ban(channel.id, member!.user_id, { expiresIn: 3600, reason: 'spam' });
      expect(await banned).toMatchObject({ channelId: channel.id, userId: member!.user_id, bannedBy: owner!.user_id });
      expect((await ownerClient.moderation.bans(channel.id)).items.map((ban) => ban.reason)).toEqual(['spam']);
      expect(await ownerClient.moderation.unban(channel.id, member!.user_id)).toEqual({ message: 'Ban lifted' });

      await memberClient.channels.join(channel.id);
      const deleted = nextEvent(memberClient, 'channel.deleted');
      expect(await ownerClient.channels.delete(channel.id)).toEqual({ message: 'Channel deleted' });
      expect(await deleted).toEqual({ channelId: channel.id, deletedBy: owner!.user_id });
      expect(await rejection(memberClient.channels.get(channel.id))).toMatchObject({ status: 404 });
    });

    it('auth.verify shows a token; users.revokeTokens refuses it from then on', async () => {
      const app = await ctx.newApp();
      const server = new HeyyoServerClient({ apiUrl: ctx.url, apiKey: app.api_key, apiSecret: app.api_secret });
      const issued = await server.createToken('to-revoke');
      const client = sdk({ token: issued.token, autoConnect: false });
      expect(await client.auth.verify()).toEqual({
        valid: true,
        user_id: issued.user_id,
        external_id: 'to-revoke',
        app_id: app.id,
        role: 'user',
        exp: decodeJwt(issued.token).exp,
      });
      const revoked = await server.users.revokeTokens(issued.user_id);
      expect(revoked).toEqual({ user_id: issued.user_id, revoked_before: expect.stringMatching(ISO), jti: null });
      expect(await rejection(client.auth.verify())).toMatchObject({ status: 403, code: ErrorCodes.TOKEN_REVOKED });
      const single = await server.users.revokeTokens(issued.user_id, { jti: 'some-jti' });
      expect(single).toEqual({ user_id: issued.user_id, revoked_before: null, jti: 'some-jti' });
    });

    it('users.upsert, users.list and users.get', async () => {
      const app = await ctx.newApp();
      const server = new HeyyoServerClient({ apiUrl: ctx.url, apiKey: app.api_key, apiSecret: app.api_secret });
      const first = await server.users.upsert('ext-1', { displayName: 'First', avatarUrl: 'https://example.com/1.png' });
      expect(first).toEqual({
        id: expect.stringMatching(UUID),
        external_id: 'ext-1',
        display_name: 'First',
        avatar_url: 'https://example.com/1.png',
        metadata: {},
        deactivated_at: null,
        erased_at: null,
        created_at: expect.stringMatching(ISO),
        updated_at: expect.stringMatching(ISO),
      });
      const second = await server.users.upsert('ext-2');
      expect(second).toMatchObject({ external_id: 'ext-2', display_name: null, avatar_url: null });

      // Upsert again: the same user; null clears, omitted keeps.
      const updated = await server.users.upsert('ext-1', { displayName: null });
      expect(updated).toEqual({ ...first, display_name: null, updated_at: expect.stringMatching(ISO) });

      expect(await server.users.list()).toEqual({ items: [updated, second], page: 1, limit: 100, total: 2, totalPages: 1 });
      expect(await server.users.list({ limit: 1, page: 2 })).toEqual({ items: [second], page: 2, limit: 1, total: 2, totalPages: 2 });
      expect(await server.users.get(first.id)).toEqual(updated);
      expectHeyyoError(await rejection(server.users.get(randomUUID())), NotFoundError, {
        status: 404,
        code: ErrorCodes.USER_NOT_FOUND,
        message: 'User not found',
      });

      // The internal id is what channel members take.
      const owner = await server.createToken('ext-3');
      const client = sdk({ token: owner.token, autoConnect: false });
      const channel = await client.channels.create('with members', { members: [first.id, second.id] });
      expect((await client.channels.get(channel.id)).member_count).toBe(3);
    });

    it('users.update, users.delete (soft and hard), users.reactivate and users.export', async () => {
      const app = await ctx.newApp();
      const server = new HeyyoServerClient({ apiUrl: ctx.url, apiKey: app.api_key, apiSecret: app.api_secret });
      const { user_id: id } = await server.createToken('lifecycle', { displayName: 'Life' });
      expect(await server.users.update(id, { displayName: null, metadata: { plan: 'pro' } })).toMatchObject({ display_name: null, metadata: { plan: 'pro' } });

      const deactivated = await server.users.delete(id);
      expect(deactivated.deactivated_at).toEqual(expect.stringMatching(ISO));
      expectHeyyoError(await rejection(server.createToken('lifecycle')), ForbiddenError, {
        status: 403,
        code: ErrorCodes.USER_DEACTIVATED,
        message: 'User is deactivated',
      });
      expect((await server.users.reactivate(id)).deactivated_at).toBeNull();
      expect((await server.users.export(id)).user).toMatchObject({ id, metadata: { plan: 'pro' } });

      const erased = await server.users.delete(id, { hard: true });
      expect(erased).toMatchObject({ external_id: `heyyo-erased:${id}`, metadata: {}, erased_at: expect.stringMatching(ISO) });
      expectHeyyoError(await rejection(server.users.reactivate(id)), ConflictError, {
        status: 409,
        code: ErrorCodes.USER_ERASED,
        message: 'User was erased; create a new user instead',
      });
      expectHeyyoError(await rejection(server.users.export(randomUUID())), NotFoundError, {
        status: 404,
        code: ErrorCodes.USER_NOT_FOUND,
        message: 'User not found',
      });
    });

    it('a wrong secret or key is an AuthenticationError (401)', async () => {
      const app = await ctx.newApp();
      const invalid = { status: 401, code: ErrorCodes.INVALID_CREDENTIALS, message: 'Invalid API credentials' };
      const wrongSecret = new HeyyoServerClient({ apiUrl: ctx.url, apiKey: app.api_key, apiSecret: 'cbs_wrong' });
      expectHeyyoError(await rejection(wrongSecret.createToken('someone')), AuthenticationError, invalid);
      expectHeyyoError(await rejection(wrongSecret.users.list()), AuthenticationError, invalid);
      expectHeyyoError(await rejection(wrongSecret.users.upsert('someone')), AuthenticationError, invalid);
      const wrongKey = new HeyyoServerClient({ apiUrl: ctx.url, apiKey: 'cb_wrong', apiSecret: app.api_secret });
      expectHeyyoError(await rejection(wrongKey.createToken('someone')), AuthenticationError, invalid);
      expectHeyyoError(await rejection(wrongKey.users.get(randomUUID())), AuthenticationError, invalid);
    });

    it('HeyyoAdminClient creates and lists apps (open: the test server has no admin token)', async () => {
      const admin = new HeyyoAdminClient({ apiUrl: ctx.url });
      const created = await admin.apps.create('Acme Chat');
      expect(created).toEqual({
        id: expect.stringMatching(UUID),
        name: 'Acme Chat',
        api_key: expect.stringMatching(/^cb_/),
        api_secret: expect.stringMatching(/^cbs_/),
        created_at: expect.stringMatching(ISO),
        message: 'Store your API secret securely. It will not be shown again.',
      });
      const { items: apps } = await admin.apps.list();
      // Newest first, and never the secret.
      expect(apps[0]).toEqual({ id: created.id, name: 'Acme Chat', api_key: created.api_key, created_at: created.created_at });
      expect((await admin.apps.list({ limit: 1 })).items).toEqual([apps[0]]);
      expect((await admin.apps.list({ limit: 1, offset: 1 })).items).toEqual([apps[1]]);
      expectHeyyoError(await rejection(admin.apps.create('')), ValidationError, {
        status: 400,
        code: ErrorCodes.VALIDATION,
        message: 'name must NOT have fewer than 1 characters',
      });

      // The new app's credentials work.
      const server = new HeyyoServerClient({ apiUrl: ctx.url, apiKey: created.api_key, apiSecret: created.api_secret });
      expect((await server.createToken('first-user')).expires_in).toBe(3600);
    });
  });
});

describe('@heyyo/sdk with HEYYO_SYNC_MAX_BEHIND=3', () => {
  const ctx = useNodeContext({ env: { HEYYO_SYNC_MAX_BEHIND: '3' } });
  const sdk = useClients(() => ctx.url);

  async function room() {
    const app = await ctx.newApp();
    const [writer, reader] = [await ctx.newUser(app), await ctx.newUser(app)];
    const channel = await ctx.newChannel(writer, { members: [reader.id] });
    return { writer, reader, channel };
  }

  it('messages.list with afterSeq too far behind is a 410 ConflictError (HEYYO_ERR_RESYNC_REQUIRED)', async () => {
    const { writer, channel } = await room();
    const client = sdk({ token: writer.token, autoConnect: false });
    for (let index = 1; index <= 5; index++) await client.messages.send(channel.id, `m${index}`);

    const error = await rejection(client.messages.list(channel.id, { afterSeq: 1 }));
    expectHeyyoError(error, ConflictError, {
      status: 410,
      code: ErrorCodes.RESYNC_REQUIRED,
      message: 'Too far behind to catch up (4 messages, at most 3): reload the channel history',
    });
    // Exactly the limit behind is still a catch-up.
    expect((await client.messages.list(channel.id, { afterSeq: 2 })).map((message) => message.seq)).toEqual([3, 4, 5]);
  });

  it('emits reset when the client comes back more than the limit behind, then follows live messages again', async () => {
    const { writer, reader, channel } = await room();
    const writerClient = sdk({ token: writer.token, autoConnect: false });
    const client = sdk({ token: reader.token, autoConnect: false });
    const delivered = record(client, 'message.new');
    const resets = record(client, 'reset');
    const errors = record(client, 'error');
    await client.connect();
    await client.channels.list();
    const first = await writerClient.messages.send(channel.id, 'before');
    await eventually(() => delivered.length === 1, 'the first message');

    client.disconnect();
    for (let index = 0; index < 4; index++) await writerClient.messages.send(channel.id, `away ${index}`);
    const reset = nextEvent(client, 'reset');
    await client.connect();
    expect(await reset).toEqual({ channelId: channel.id });
    expect(resets).toHaveLength(1);
    expect(errors).toEqual([]);
    // Nothing of the gap was delivered: the app reloads with messages.list().
    expect(delivered.map((message) => message.id)).toEqual([first.id]);
    expect((await client.messages.list(channel.id)).map((message) => message.seq)).toEqual([1, 2, 3, 4, 5]);

    const later = await writerClient.messages.send(channel.id, 'after the reset');
    await eventually(() => delivered.length === 2, 'the next live message');
    expect(delivered[1]).toEqual(later);
  });

  it('does not reset when the client comes back exactly the limit behind: it catches up', async () => {
    const { writer, reader, channel } = await room();
    const writerClient = sdk({ token: writer.token, autoConnect: false });
    const client = sdk({ token: reader.token, autoConnect: false });
    const delivered = record(client, 'message.new');
    const resets = record(client, 'reset');
    await client.connect();
    await client.channels.list();
    client.disconnect();
    const sent: Message[] = [];
    for (let index = 0; index < 3; index++) sent.push(await writerClient.messages.send(channel.id, `away ${index}`));
    await client.connect();
    await eventually(() => delivered.length === 3, 'the three missed messages');
    expect(delivered.map((message) => message.id)).toEqual(sent.map((message) => message.id));
    expect(resets).toEqual([]);
  });
});

describe('@heyyo/sdk with HEYYO_RATE_LIMIT_MAX=3', () => {
  const ctx = useNodeContext({ env: { HEYYO_RATE_LIMIT_MAX: '3', HEYYO_RATE_LIMIT_WINDOW_MS: '60000' } });
  const sdk = useClients(() => ctx.url);

  it('the 4th request in the window is a 429 RateLimitError with retryAfter', async () => {
    const user = await ctx.newUser();
    const client = sdk({ token: user.token, autoConnect: false });
    for (let index = 0; index < 3; index++) expect((await client.channels.list()).items).toEqual([]);
    const error = await rejection(client.channels.list());
    expectHeyyoError(error, RateLimitError, { status: 429, code: ErrorCodes.RATE_LIMITED, message: /^Rate limit exceeded/ });
    const retryAfter = (error as RateLimitError).retryAfter;
    expect(retryAfter).toEqual(expect.any(Number));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });
});

describe('@heyyo/sdk against a node with HEYYO_ADMIN_TOKEN', () => {
  const ADMIN_TOKEN = 'admin-token-for-the-sdk-tests-0123456789';
  const ctx = useNodeContext({ env: { HEYYO_ADMIN_TOKEN: ADMIN_TOKEN } });

  it('HeyyoAdminClient sends adminToken; without it 401, with a wrong one 403, both AuthenticationError', async () => {
    const admin = new HeyyoAdminClient({ apiUrl: ctx.url, adminToken: ADMIN_TOKEN });
    const created = await admin.apps.create('Guarded');
    expect(created).toMatchObject({ name: 'Guarded', api_key: expect.stringMatching(/^cb_/) });
    expect((await admin.apps.list()).items[0]).toEqual({
      id: created.id,
      name: 'Guarded',
      api_key: created.api_key,
      created_at: created.created_at,
    });

    const anonymous = new HeyyoAdminClient({ apiUrl: ctx.url });
    expectHeyyoError(await rejection(anonymous.apps.list()), AuthenticationError, {
      status: 401,
      code: ErrorCodes.AUTH_REQUIRED,
      message: 'Admin token required',
    });
    // A wrong admin token is an invalid token: AuthenticationError, as the SDK documents for 403 token failures.
    const wrong = new HeyyoAdminClient({ apiUrl: ctx.url, adminToken: 'not-the-admin-token-0123456789' });
    expectHeyyoError(await rejection(wrong.apps.create('Nope')), AuthenticationError, {
      status: 403,
      code: ErrorCodes.INVALID_ADMIN_TOKEN,
      message: 'Invalid admin token',
    });
  });
});

describe('@heyyo/sdk when a connected socket\'s token expires (HEYYO_TOKEN_REFRESH_GRACE_MS=1000)', () => {
  const GRACE_MS = 1000;
  const ctx = useNodeContext({ env: { HEYYO_TOKEN_REFRESH_GRACE_MS: String(GRACE_MS) } });
  const sdk = useClients(() => ctx.url);
  /** Waits until `ms` since the epoch (past a token's expiry and the grace the server gives it). */
  const until = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms - Date.now())));

  it('answers auth.expired with a token from tokenProvider: the socket stays connected past the grace and keeps receiving', async () => {
    const user = await ctx.newUser();
    const channel = await ctx.newChannel(user);
    const exp = nowSeconds() + 2;
    const provided: number[] = [];
    const client = sdk({
      token: await forge(user, { exp }),
      tokenProvider: async () => {
        provided.push(Date.now());
        return forge(user, { exp: nowSeconds() + 3600 });
      },
    });
    const states = record(client, 'connection.changed');
    const errors = record(client, 'error');
    await client.connect();

    await until(exp * 1000 + GRACE_MS + 700);
    // Never dropped: the server took the new token over the live socket.
    expect(states).toEqual([{ state: 'connecting' }, { state: 'connected' }]);
    expect(client.connected).toBe(true);
    expect(errors).toEqual([]);
    expect(provided).toHaveLength(1);
    const arrived = nextEvent(client, 'message.new', (message) => message.text === 'after the expiry');
    await ctx.send(user, channel.id, { text: 'after the expiry' });
    expect((await arrived).channel_id).toBe(channel.id);
  });

  it('without a tokenProvider: "error" says the socket will be disconnected, and it is', async () => {
    const user = await ctx.newUser();
    const exp = nowSeconds() + 2;
    const client = sdk({ token: await forge(user, { exp }) });
    const errors = record(client, 'error');
    await client.connect();
    await nextEvent(client, 'connection.changed', ({ state }) => state === 'reconnecting', (exp - nowSeconds()) * 1000 + GRACE_MS + 3000);
    expectHeyyoError(errors[0], AuthenticationError, {
      status: 403,
      code: ErrorCodes.TOKEN_EXPIRED,
      message: 'Token expired: no tokenProvider to refresh it, the socket will be disconnected',
    });
  });
});
