/**
 * The Socket.IO gateway against one real node (REST + gateway in this process):
 * handshake, rooms, every client event and the broadcasts they cause.
 *
 * Negatives ("X was not broadcast") are proven with a barrier: a message sent
 * after the action travels the same Redis pub/sub path, so once it has arrived
 * anything the action broadcast would have arrived before it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import type { Message } from '@heyyo/contracts';
import type { TestApp, TestUser } from '../support/factories.ts';
import { useNodeContext, type NodeContext } from '../support/node-context.ts';
import { forgeUserToken } from '../support/resources.ts';
import { emitWithAck, nextEvent, record, type ClientSocket } from '../support/sockets.ts';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const NOT_MEMBER = { error: 'Not a member of this channel', code: 'HEYYO_ERR_NOT_MEMBER' };
const CHANNEL_NOT_FOUND = { error: 'Channel not found', code: 'HEYYO_ERR_CHANNEL_NOT_FOUND' };
const MESSAGE_NOT_FOUND = { error: 'Message not found', code: 'HEYYO_ERR_MESSAGE_NOT_FOUND' };
const NO_CONTENT = { error: 'Message must have text or attachments', code: 'HEYYO_ERR_VALIDATION' };

interface Person extends TestUser {
  displayName: string;
  avatarUrl: string;
}

/** The `user` object nested in a Message. */
const nestedUser = (person: Person) => ({
  external_id: person.externalId,
  display_name: person.displayName,
  avatar_url: person.avatarUrl,
});

/** The full Message shape, exactly, of a live message. */
function expectedMessage(author: Person, channelId: string, seq: number, fields: Partial<Message> = {}) {
  return {
    id: expect.stringMatching(UUID),
    channel_id: channelId,
    user_id: author.id,
    seq,
    text: null,
    attachments: [],
    metadata: {},
    parent_id: null,
    client_id: null,
    created_at: expect.stringMatching(ISO),
    updated_at: expect.stringMatching(ISO),
    deleted_at: null,
    edited_at: null,
    reply_count: 0,
    last_reply_at: null,
    pinned_at: null,
    pinned_by: null,
    user: nestedUser(author),
    ...fields,
  };
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
const forge = forgeUserToken;

/** The connect_error of a handshake that must fail. */
async function refused(ctx: NodeContext, token: string | undefined): Promise<Error & { data?: unknown }> {
  const outcome = await ctx.connect(token).then(
    () => undefined,
    (error: Error) => error,
  );
  if (!outcome) throw new Error('the handshake was expected to fail but connected');
  return outcome;
}

/** Helpers bound to one node context. */
function helpers(ctx: NodeContext) {
  const person = async (app: TestApp, name = `Person ${randomBytes(2).toString('hex')}`): Promise<Person> => {
    const avatarUrl = `https://example.com/${encodeURIComponent(name)}.png`;
    const user = await ctx.newUser(app, { display_name: name, avatar_url: avatarUrl });
    return { ...user, displayName: name, avatarUrl };
  };

  /** An app with a channel of `owner` and `member`, and an `outsider` of the same app. */
  const room = async () => {
    const app = await ctx.newApp();
    const owner = await person(app, 'Owner');
    const member = await person(app, 'Member');
    const outsider = await person(app, 'Outsider');
    const channel = await ctx.newChannel(owner, { members: [member.id] });
    return { app, owner, member, outsider, channel };
  };

  const messagesUrl = (channelId: string) => `/api/channels/${channelId}/messages`;

  /** Sends a message over the socket and returns the acknowledged message. */
  const wsSend = async (socket: ClientSocket, channelId: string, text: string): Promise<Message> => {
    const ack = await emitWithAck(socket, 'message.send', { channelId, text });
    if (!ack?.message) throw new Error(`message.send failed: ${JSON.stringify(ack)}`);
    return ack.message;
  };

  /**
   * The barrier: `sender` posts a message over REST; resolves once every socket
   * has received it as message.new.
   */
  const barrier = async (sender: TestUser, channelId: string, sockets: ClientSocket[]) => {
    const text = `barrier ${randomUUID()}`;
    const arrived = sockets.map((socket) => nextEvent(socket, 'message.new', (message) => message.text === text));
    await ctx.send(sender, channelId, { text });
    await Promise.all(arrived);
  };

  return { person, room, messagesUrl, wsSend, barrier };
}

describe('socket gateway', () => {
  const ctx = useNodeContext();
  const { person, room, messagesUrl, wsSend, barrier } = helpers(ctx);

  describe('handshake', () => {
    it('refuses a connection without a token: Authentication required', async () => {
      for (const token of [undefined, '']) {
        const error = await refused(ctx, token);
        expect(error.message).toBe('Authentication required');
        expect(error.data).toEqual({ code: 'HEYYO_ERR_AUTH_REQUIRED' });
      }
    });

    it('accepts a token forged with the test key (control for the cases below)', async () => {
      const user = await ctx.newUser();
      const socket = await ctx.connect(await forge(user));
      expect(socket.connected).toBe(true);
    });

    it.each([
      ['garbage', async () => 'not-a-jwt', 'HEYYO_ERR_INVALID_TOKEN'],
      ['signed with another secret', (user: TestUser) => forge(user, { secret: 'x'.repeat(48) }), 'HEYYO_ERR_INVALID_TOKEN'],
      [
        'expired',
        (user: TestUser) => forge(user, { iat: nowSeconds() - 7200, exp: nowSeconds() - 3600 }),
        'HEYYO_ERR_TOKEN_EXPIRED',
      ],
    ])('refuses a %s token: Invalid token', async (_name, makeToken, code) => {
      const user = await ctx.newUser();
      const error = await refused(ctx, await makeToken(user));
      expect(error.message).toBe('Invalid token');
      expect(error.data).toEqual({ code });
    });

    it('accepts an Authorization: Bearer header instead of auth.token', async () => {
      const user = await ctx.newUser();
      const socket = io(ctx.url, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        extraHeaders: { authorization: `Bearer ${user.token}` },
      });
      try {
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', resolve);
          socket.once('connect_error', reject);
        });
        expect(socket.connected).toBe(true);
      } finally {
        socket.close();
      }
    });

    it('connects over the polling transport, and events flow both ways on it', async () => {
      const { owner, member, channel } = await room();
      const socket = await ctx.connect(member.token, { transports: ['polling'] });
      expect(socket.io.engine.transport.name).toBe('polling');
      const arriving = nextEvent(socket, 'message.new');
      const sent = await ctx.send(owner, channel.id, { text: 'over polling' });
      expect(await arriving).toEqual(sent);
      const mine = await wsSend(socket, channel.id, 'sent over polling');
      expect(mine).toEqual(expectedMessage(member, channel.id, 2, { text: 'sent over polling' }));
    });

    it('upgrades from polling to websocket (the client default) and keeps its rooms', async () => {
      const { owner, member, channel } = await room();
      const socket = await ctx.connect(member.token, { transports: ['polling', 'websocket'] });
      if (socket.io.engine.transport.name !== 'websocket') {
        await new Promise((resolve) => socket.io.engine.once('upgrade', resolve));
      }
      expect(socket.io.engine.transport.name).toBe('websocket');
      const arriving = nextEvent(socket, 'message.new');
      const sent = await ctx.send(owner, channel.id, { text: 'after upgrade' });
      expect(await arriving).toEqual(sent);
    });
  });

  describe('rooms on connect', () => {
    it('puts the socket in channel:<id> of every channel of the user, and no other', async () => {
      const app = await ctx.newApp();
      const owner = await person(app, 'Owner');
      const reader = await person(app, 'Reader');
      const first = await ctx.newChannel(owner, { members: [reader.id] });
      const second = await ctx.newChannel(owner, { members: [reader.id] });
      const elsewhere = await ctx.newChannel(owner);

      const socket = await ctx.connect(reader.token);
      const received = record(socket, 'message.new');

      // Server side: exactly its own room, its user room and its channels.
      const serverSocket = ctx.node.gateway!.io.of('/').sockets.get(socket.id!);
      expect(new Set(serverSocket?.rooms)).toEqual(
        new Set([socket.id, `user:${reader.id}`, `channel:${first.id}`, `channel:${second.id}`]),
      );

      // Client side: messages posted over REST arrive without the client doing anything.
      const notForReader = await ctx.send(owner, elsewhere.id, { text: 'not for the reader' });
      const firstArrives = nextEvent(socket, 'message.new', (message) => message.channel_id === first.id);
      const inFirst = await ctx.send(owner, first.id, { text: 'in first', metadata: { k: 'v' } });
      expect(await firstArrives).toEqual(expectedMessage(owner, first.id, 1, { text: 'in first', metadata: { k: 'v' } }));
      expect(await firstArrives).toEqual(inFirst);

      const secondArrives = nextEvent(socket, 'message.new', (message) => message.channel_id === second.id);
      const inSecond = await ctx.send(owner, second.id, { text: 'in second' });
      expect(await secondArrives).toEqual(inSecond);

      // The message of the other channel was published first; it never came.
      expect(received.map((message) => message.id)).toEqual([inFirst.id, inSecond.id]);
      expect(received.map((message) => message.id)).not.toContain(notForReader.id);
    });
  });

  describe('message.send', () => {
    it('acks { message } with seq and nested user, and every member socket (sender included) gets message.new', async () => {
      const { owner, member, channel } = await room();
      const ownerSocket = await ctx.connect(owner.token);
      const memberSocket = await ctx.connect(member.token);
      const memberSecond = await ctx.connect(member.token);
      const arrivals = [ownerSocket, memberSocket, memberSecond].map((socket) => nextEvent(socket, 'message.new'));

      const ack = await emitWithAck(ownerSocket, 'message.send', {
        channelId: channel.id,
        text: 'Hello from WS',
        attachments: [{ type: 'image', url: 'https://example.com/a.png' }],
        metadata: { client_ref: 'abc' },
      });
      expect(Object.keys(ack)).toEqual(['message']);
      expect(ack.message).toEqual(
        expectedMessage(owner, channel.id, 1, {
          text: 'Hello from WS',
          attachments: [{ type: 'image', url: 'https://example.com/a.png' }],
          metadata: { client_ref: 'abc' },
        }),
      );
      for (const arrived of await Promise.all(arrivals)) expect(arrived).toEqual(ack.message);

      const second = await wsSend(memberSocket, channel.id, 'reply');
      expect(second).toEqual(expectedMessage(member, channel.id, 2, { text: 'reply' }));
    });

    it('acks only after the row is committed: GET right after the ack finds it', async () => {
      const { owner, member, channel } = await room();
      const socket = await ctx.connect(owner.token);
      for (let index = 0; index < 5; index++) {
        const message = await wsSend(socket, channel.id, `committed ${index}`);
        const listed = await ctx.request('GET', messagesUrl(channel.id), { token: member.token });
        expect(listed.status).toBe(200);
        expect(listed.body.map((entry: { id: string }) => entry.id)).toContain(message.id);
      }
    });

    it('replies with a parent, and refuses a parent that is not in the channel', async () => {
      const { owner, channel } = await room();
      const socket = await ctx.connect(owner.token);
      const parent = await wsSend(socket, channel.id, 'parent');
      const reply = await emitWithAck(socket, 'message.send', { channelId: channel.id, text: 'child', parentId: parent.id });
      expect(reply.message).toEqual(expectedMessage(owner, channel.id, 2, { text: 'child', parent_id: parent.id }));
      const orphan = await emitWithAck(socket, 'message.send', { channelId: channel.id, text: 'x', parentId: randomUUID() });
      expect(orphan).toEqual({ error: 'Parent message not found', code: 'HEYYO_ERR_PARENT_NOT_FOUND' });
    });

    it('refuses a non-member and an unknown channel, and broadcasts nothing', async () => {
      const { owner, member, outsider, channel } = await room();
      const other = await room();
      const outsiderSocket = await ctx.connect(outsider.token);
      const memberSocket = await ctx.connect(member.token);
      const received = record(memberSocket, 'message.new');

      expect(await emitWithAck(outsiderSocket, 'message.send', { channelId: channel.id, text: 'intruder' })).toEqual(NOT_MEMBER);
      for (const channelId of [randomUUID(), 'not-a-uuid', other.channel.id]) {
        expect(await emitWithAck(outsiderSocket, 'message.send', { channelId, text: 'nowhere' })).toEqual(CHANNEL_NOT_FOUND);
      }
      await barrier(owner, channel.id, [memberSocket]);
      expect(received.map((message) => message.seq)).toEqual([1]);
    });

    it.each([
      ['text is a number', { text: 42 }, 'text must be of type string'],
      ['channelId is missing', { channelId: undefined, text: 'hi' }, 'channelId is required'],
      ['an unknown field', { text: 'hi', colour: 'red' }, 'unknown field "colour"'],
      ['attachments is not an array', { attachments: 'a.png' }, 'attachments must be of type array'],
      ['an attachment is not an object', { attachments: [1] }, 'attachments.0 must be of type object'],
      ['metadata is not an object', { text: 'hi', metadata: 'meta' }, 'metadata must be of type object'],
      ['clientId is empty', { text: 'hi', clientId: '' }, 'clientId must NOT have fewer than 1 characters'],
      ['text is too long', { text: 'x'.repeat(4001) }, 'text must be at most 4000 characters'],
    ])('refuses an invalid payload (%s) with HEYYO_ERR_VALIDATION, in the words REST uses', async (_name, fields, error) => {
      const { owner, channel } = await room();
      const socket = await ctx.connect(owner.token);
      const payload = JSON.parse(JSON.stringify({ channelId: channel.id, ...fields }));
      expect(await emitWithAck(socket, 'message.send', payload)).toEqual({ error, code: 'HEYYO_ERR_VALIDATION' });
      // Nothing was stored: the next message is seq 1.
      expect((await wsSend(socket, channel.id, 'valid')).seq).toBe(1);
    });

    it.each([
      ['no text and no attachments', {}],
      ['null text and empty attachments', { text: null, attachments: [] }],
      ['blank text', { text: '   ' }],
    ])('refuses %s: Message must have text or attachments', async (_name, fields) => {
      const { owner, channel } = await room();
      const socket = await ctx.connect(owner.token);
      expect(await emitWithAck(socket, 'message.send', { channelId: channel.id, ...fields })).toEqual(NO_CONTENT);
    });

    it('accepts attachments without text', async () => {
      const { owner, channel } = await room();
      const socket = await ctx.connect(owner.token);
      const ack = await emitWithAck(socket, 'message.send', { channelId: channel.id, attachments: [{ type: 'file' }] });
      expect(ack.message).toEqual(expectedMessage(owner, channel.id, 1, { attachments: [{ type: 'file' }] }));
    });

    it('refuses a payload that is not an object', async () => {
      const { owner } = await room();
      const socket = await ctx.connect(owner.token);
      const notAnObject = { error: 'Payload must be a JSON object', code: 'HEYYO_ERR_VALIDATION' };
      for (const payload of ['a string', null, 42, ['channelId']]) {
        expect(await emitWithAck(socket, 'message.send', payload)).toEqual(notAnObject);
      }
      // emit(event, ack) with no payload at all.
      const ackOnly = await new Promise((resolve) => (socket as unknown as { emit: Function }).emit('message.send', resolve));
      expect(ackOnly).toEqual(notAnObject);
    });

    it('survives events without an ack function and with non-object payloads', async () => {
      const { owner, channel } = await room();
      const socket = await ctx.connect(owner.token);
      const received = record(socket, 'message.new');
      const arrivals = ['valid, no ack', 'after'].map((text) =>
        nextEvent(socket, 'message.new', (message) => message.text === text),
      );
      const untyped = socket as unknown as { emit(event: string, ...args: unknown[]): void };
      untyped.emit('message.send', 'a string');
      untyped.emit('message.send', null);
      untyped.emit('message.send');
      untyped.emit('message.send', { channelId: channel.id, text: 42 });
      untyped.emit('message.send', { channelId: randomUUID(), text: 'unknown channel, no ack' });
      untyped.emit('message.send', { channelId: channel.id, text: 'valid, no ack' });
      untyped.emit('typing.start', 'a string');
      untyped.emit('channel.join', null);
      untyped.emit('reaction.add', 7);
      untyped.emit('messages.sync', 'x');
      untyped.emit('no.such.event', { channelId: channel.id });

      const after = await wsSend(socket, channel.id, 'after');
      expect(after).toEqual(expectedMessage(owner, channel.id, after.seq, { text: 'after' }));
      expect(socket.connected).toBe(true);
      await Promise.all(arrivals);
      // The two valid sends race for seq; exactly they were stored, as seqs 1 and 2.
      expect(received.map((message) => message.seq).sort()).toEqual([1, 2]);
      expect(received.map((message) => message.text).sort()).toEqual(['after', 'valid, no ack']);
    });

    it('a clientId retry acks the original message and broadcasts once', async () => {
      const { owner, member, channel } = await room();
      const ownerSocket = await ctx.connect(owner.token);
      const memberSocket = await ctx.connect(member.token);
      const received = record(memberSocket, 'message.new');

      const first = await emitWithAck(ownerSocket, 'message.send', { channelId: channel.id, text: 'once', clientId: 'c-1' });
      expect(first.message).toEqual(expectedMessage(owner, channel.id, 1, { text: 'once', client_id: 'c-1' }));
      const retry = await emitWithAck(ownerSocket, 'message.send', { channelId: channel.id, text: 'once', clientId: 'c-1' });
      expect(retry).toEqual(first);
      // A retry with other content still returns what was stored the first time.
      const changed = await emitWithAck(ownerSocket, 'message.send', { channelId: channel.id, text: 'twice', clientId: 'c-1' });
      expect(changed).toEqual(first);
      // The key is shared with REST's client_id.
      const overRest = await ctx.request('POST', messagesUrl(channel.id), {
        token: owner.token,
        body: { text: 'once', client_id: 'c-1' },
      });
      expect(overRest.status).toBe(201);
      expect(overRest.headers['idempotent-replayed']).toBe('true');
      expect(overRest.body).toEqual(first.message);
      // Another user's identical key is another message.
      const theirs = await emitWithAck(memberSocket, 'message.send', { channelId: channel.id, text: 'mine', clientId: 'c-1' });
      expect(theirs.message).toEqual(expectedMessage(member, channel.id, 2, { text: 'mine', client_id: 'c-1' }));

      await barrier(owner, channel.id, [memberSocket]);
      expect(received.map((message) => [message.seq, message.text])).toEqual([
        [1, 'once'],
        [2, 'mine'],
        [3, expect.stringMatching(/^barrier /)],
      ]);
    });

    it('concurrent retries of one clientId store and broadcast one message', async () => {
      const { owner, member, channel } = await room();
      const ownerSocket = await ctx.connect(owner.token);
      const memberSocket = await ctx.connect(member.token);
      const received = record(memberSocket, 'message.new');
      const acks = await Promise.all(
        Array.from({ length: 5 }, () =>
          emitWithAck(ownerSocket, 'message.send', { channelId: channel.id, text: 'racing', clientId: 'race-1' }),
        ),
      );
      for (const ack of acks) expect(ack).toEqual(acks[0]);
      expect(acks[0].message.seq).toBe(1);
      await barrier(owner, channel.id, [memberSocket]);
      expect(received.map((message) => message.seq)).toEqual([1, 2]);
    });
  });

  describe('typing', () => {
    it.each(['typing.start', 'typing.stop'] as const)(
      '%s reaches other members but none of the sender’s own sockets',
      async (event) => {
        const { owner, member, outsider, channel } = await room();
        const senderSocket = await ctx.connect(owner.token);
        const senderSecond = await ctx.connect(owner.token);
        const memberSocket = await ctx.connect(member.token);
        const outsiderSocket = await ctx.connect(outsider.token);
        const ownEvents = [record(senderSocket, event), record(senderSecond, event)];
        const outsiderEvents = record(outsiderSocket, event);
        const memberEvents = record(memberSocket, event);

        const arriving = nextEvent(memberSocket, event);
        expect(await emitWithAck(senderSocket, event, { channelId: channel.id })).toEqual({ success: true });
        expect(await arriving).toEqual({ channelId: channel.id, userId: owner.id, externalId: owner.externalId });

        // The barrier: a message from the same sender, after the typing event.
        const text = `barrier ${randomUUID()}`;
        const barriers = [senderSocket, senderSecond, memberSocket].map((socket) =>
          nextEvent(socket, 'message.new', (message) => message.text === text),
        );
        await wsSend(senderSocket, channel.id, text);
        await Promise.all(barriers);
        expect(ownEvents).toEqual([[], []]);
        expect(outsiderEvents).toEqual([]);
        expect(memberEvents).toHaveLength(1);
      },
    );

    it('refuses typing in a channel the user is not in', async () => {
      const { outsider, channel } = await room();
      const other = await room();
      const socket = await ctx.connect(outsider.token);
      expect(await emitWithAck(socket, 'typing.start', { channelId: other.channel.id })).toEqual(CHANNEL_NOT_FOUND);
      expect(await emitWithAck(socket, 'typing.start', { channelId: channel.id })).toEqual(NOT_MEMBER);
      expect(await emitWithAck(socket, 'typing.stop', { channelId: channel.id })).toEqual(NOT_MEMBER);
      expect(await emitWithAck(socket, 'typing.start', { channelId: randomUUID() })).toEqual(CHANNEL_NOT_FOUND);
      expect(await emitWithAck(socket, 'typing.start', {})).toEqual({
        error: 'channelId is required',
        code: 'HEYYO_ERR_VALIDATION',
      });
    });
  });

  describe('channel.join and membership changes', () => {
    it('channel.join adds the member: ack, then messages arrive, and members hear member.joined', async () => {
      const { owner, member, outsider: joiner, channel } = await room();
      const ownerSocket = await ctx.connect(owner.token);
      const memberSocket = await ctx.connect(member.token);
      const joinerSocket = await ctx.connect(joiner.token);
      const joined = [ownerSocket, memberSocket].map((socket) => nextEvent(socket, 'member.joined'));

      expect(await emitWithAck(joinerSocket, 'channel.join', { channelId: channel.id })).toEqual({ success: true });
      // In the room when the ack arrives, not a Redis round trip later.
      expect(ctx.node.gateway!.io.of('/').sockets.get(joinerSocket.id!)?.rooms.has(`channel:${channel.id}`)).toBe(true);
      const arriving = nextEvent(joinerSocket, 'message.new');
      const sent = await ctx.send(owner, channel.id, { text: 'welcome' });
      expect(await arriving).toEqual(sent);
      for (const event of await Promise.all(joined)) {
        expect(event).toEqual({ channelId: channel.id, userId: joiner.id, externalId: joiner.externalId, version: expect.any(Number) });
      }

      // The joiner is a member now: sending works.
      expect((await wsSend(joinerSocket, channel.id, 'thanks')).seq).toBe(2);
      const details = await ctx.request('GET', `/api/channels/${channel.id}`, { token: owner.token });
      expect(details.body.members.map((m: { id: string }) => m.id)).toContain(joiner.id);
    });

    it('channel.join moves every socket of the joining user into the room', async () => {
      const { owner, outsider: joiner, channel } = await room();
      const joining = await ctx.connect(joiner.token);
      const otherTab = await ctx.connect(joiner.token);
      expect(await emitWithAck(joining, 'channel.join', { channelId: channel.id })).toEqual({ success: true });
      const arriving = nextEvent(otherTab, 'message.new');
      const sent = await ctx.send(owner, channel.id, { text: 'to both tabs' });
      expect(await arriving).toEqual(sent);
    });

    it('joining again acks success and announces nothing', async () => {
      const { owner, member, channel } = await room();
      const ownerSocket = await ctx.connect(owner.token);
      const memberSocket = await ctx.connect(member.token);
      const announced = record(ownerSocket, 'member.joined');
      expect(await emitWithAck(memberSocket, 'channel.join', { channelId: channel.id })).toEqual({ success: true });
      expect(await emitWithAck(ownerSocket, 'channel.join', { channelId: channel.id })).toEqual({ success: true });
      await barrier(owner, channel.id, [ownerSocket]);
      expect(announced).toEqual([]);
    });

    it('refuses to join a channel of another app or an unknown one', async () => {
      const { outsider } = await room();
      const other = await room();
      const socket = await ctx.connect(outsider.token);
      const otherOwnerSocket = await ctx.connect(other.owner.token);
      const announced = record(otherOwnerSocket, 'member.joined');
      for (const channelId of [other.channel.id, randomUUID(), 'not-a-uuid']) {
        expect(await emitWithAck(socket, 'channel.join', { channelId })).toEqual(CHANNEL_NOT_FOUND);
      }
      // The other app's channel did not gain a member, and its room heard nothing.
      const details = await ctx.request('GET', `/api/channels/${other.channel.id}`, { token: other.owner.token });
      expect(details.body.members.map((m: { id: string }) => m.id)).not.toContain(outsider.id);
      await barrier(other.owner, other.channel.id, [otherOwnerSocket]);
      expect(announced).toEqual([]);
    });

    it('REST join puts the user’s live sockets in the room and emits member.joined', async () => {
      const { owner, outsider: joiner, channel } = await room();
      const ownerSocket = await ctx.connect(owner.token);
      const joinerSockets = [await ctx.connect(joiner.token), await ctx.connect(joiner.token)];
      const announced = nextEvent(ownerSocket, 'member.joined');

      const response = await ctx.request('POST', `/api/channels/${channel.id}/join`, { token: joiner.token });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ message: 'Joined channel' });
      expect(await announced).toEqual({ channelId: channel.id, userId: joiner.id, externalId: joiner.externalId, version: expect.any(Number) });

      const arrivals = joinerSockets.map((socket) => nextEvent(socket, 'message.new'));
      const sent = await ctx.send(owner, channel.id, { text: 'after REST join' });
      for (const arrived of await Promise.all(arrivals)) expect(arrived).toEqual(sent);
    });

    it('REST add-member puts the added user’s live sockets in the room and emits member.joined', async () => {
      const { owner, member, outsider: added, channel } = await room();
      const memberSocket = await ctx.connect(member.token);
      const addedSocket = await ctx.connect(added.token);
      const announced = nextEvent(memberSocket, 'member.joined');

      const response = await ctx.request('POST', `/api/channels/${channel.id}/members`, {
        token: owner.token,
        body: { user_id: added.id },
      });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ message: 'Member added' });
      expect(await announced).toEqual({ channelId: channel.id, userId: added.id, externalId: added.externalId, version: expect.any(Number) });

      const arriving = nextEvent(addedSocket, 'message.new');
      const sent = await ctx.send(owner, channel.id, { text: 'after add-member' });
      expect(await arriving).toEqual(sent);
    });

    it('a new channel puts the live sockets of its creator and members in its room', async () => {
      const app = await ctx.newApp();
      const owner = await person(app);
      const member = await person(app);
      const ownerSocket = await ctx.connect(owner.token);
      const memberSocket = await ctx.connect(member.token);
      const channel = await ctx.newChannel(owner, { members: [member.id] });
      const arrivals = [ownerSocket, memberSocket].map((socket) => nextEvent(socket, 'message.new'));
      const sent = await ctx.send(owner, channel.id, { text: 'first words' });
      for (const arrived of await Promise.all(arrivals)) expect(arrived).toEqual(sent);
    });
  });

  describe('reactions', () => {
    it('reaction.add acks success and members get reaction.new', async () => {
      const { owner, member, channel } = await room();
      const ownerSocket = await ctx.connect(owner.token);
      const memberSocket = await ctx.connect(member.token);
      const message = await wsSend(ownerSocket, channel.id, 'react to me');
      const arrivals = [ownerSocket, memberSocket].map((socket) => nextEvent(socket, 'reaction.new'));

      expect(await emitWithAck(memberSocket, 'reaction.add', { messageId: message.id, type: ':heart:' })).toEqual({
        success: true,
      });
      for (const event of await Promise.all(arrivals)) {
        expect(event).toEqual({
          messageId: message.id,
          channelId: channel.id,
          userId: member.id,
          externalId: member.externalId,
          type: ':heart:',
          version: expect.any(Number),
        });
      }
      const listed = await ctx.request('GET', messagesUrl(channel.id), { token: owner.token });
      expect(listed.body[0].reactions).toEqual([{ type: ':heart:', user_id: member.id, count: 1 }]);
    });

    it('a duplicate reaction acks success but broadcasts nothing', async () => {
      const { owner, member, channel } = await room();
      const ownerSocket = await ctx.connect(owner.token);
      const memberSocket = await ctx.connect(member.token);
      const message = await ctx.send(owner, channel.id, { text: 'once' });
      const received = record(ownerSocket, 'reaction.new');

      const payload = { messageId: message.id, type: ':thumbsup:' };
      expect(await emitWithAck(memberSocket, 'reaction.add', payload)).toEqual({ success: true });
      expect(await emitWithAck(memberSocket, 'reaction.add', payload)).toEqual({ success: true });
      // Over REST too: still a duplicate.
      const rest = await ctx.request('POST', `${messagesUrl(channel.id)}/${message.id}/reactions`, {
        token: member.token,
        body: { type: ':thumbsup:' },
      });
      expect(rest.body).toEqual({ message: 'Reaction added' });
      // A different type is a new reaction.
      expect(await emitWithAck(memberSocket, 'reaction.add', { messageId: message.id, type: ':tada:' })).toEqual({
        success: true,
      });

      // The acks came once the changes were queued; the worker applies and announces them.
      await ctx.settled();
      await barrier(owner, channel.id, [ownerSocket]);
      // One announcement per distinct reaction. Workers apply the two types concurrently, so
      // their announcements may come in either order: the order is not part of the contract.
      expect(received.map((event) => event.type).sort()).toEqual([':tada:', ':thumbsup:']);
    });

    it('refuses a non-member, an unknown message, a deleted message and another app’s message', async () => {
      const { owner, outsider, channel } = await room();
      const other = await room();
      const ownerSocket = await ctx.connect(owner.token);
      const outsiderSocket = await ctx.connect(outsider.token);
      const received = record(ownerSocket, 'reaction.new');
      const message = await ctx.send(owner, channel.id, { text: 'members only' });
      const deleted = await ctx.send(owner, channel.id, { text: 'gone' });
      await ctx.request('DELETE', `${messagesUrl(channel.id)}/${deleted.id}`, { token: owner.token });
      const foreign = await ctx.send(other.owner, other.channel.id, { text: 'elsewhere' });

      expect(await emitWithAck(outsiderSocket, 'reaction.add', { messageId: message.id, type: ':eyes:' })).toEqual(NOT_MEMBER);
      for (const messageId of [randomUUID(), 'not-a-uuid', deleted.id, foreign.id]) {
        expect(await emitWithAck(ownerSocket, 'reaction.add', { messageId, type: ':eyes:' })).toEqual(MESSAGE_NOT_FOUND);
      }
      expect(await emitWithAck(ownerSocket, 'reaction.add', { messageId: message.id, type: '   ' })).toEqual({
        error: 'type must not be empty',
        code: 'HEYYO_ERR_VALIDATION',
      });
      expect(await emitWithAck(ownerSocket, 'reaction.add', { messageId: message.id })).toEqual({
        error: 'type is required',
        code: 'HEYYO_ERR_VALIDATION',
      });
      // A refused reaction is never queued: once the worker is idle, nothing can still be announced.
      await ctx.settled();
      await barrier(owner, channel.id, [ownerSocket]);
      expect(received).toEqual([]);
    });
  });

  describe('message.deleted', () => {
    it('a REST delete reaches members as { messageId, channelId, seq, deletedAt }', async () => {
      const { owner, member, channel } = await room();
      const ownerSocket = await ctx.connect(owner.token);
      const memberSocket = await ctx.connect(member.token);
      await ctx.send(owner, channel.id, { text: 'first' });
      const doomed = await ctx.send(owner, channel.id, { text: 'second' });
      const arrivals = [ownerSocket, memberSocket].map((socket) => nextEvent(socket, 'message.deleted'));

      const response = await ctx.request('DELETE', `${messagesUrl(channel.id)}/${doomed.id}`, { token: owner.token });
      expect(response.body).toEqual({ message: 'Message deleted' });
      const [forOwner, forMember] = await Promise.all(arrivals);
      expect(forMember).toEqual({ messageId: doomed.id, channelId: channel.id, seq: 2, deletedAt: expect.stringMatching(ISO), version: expect.any(Number) });
      expect(forOwner).toEqual(forMember);

      // The same instant as the stored tombstone.
      const tail = await ctx.request('GET', `${messagesUrl(channel.id)}?after_seq=1`, { token: member.token });
      expect(tail.body[0].deleted_at).toBe(forMember!.deletedAt);
    });

    it('a refused delete broadcasts nothing, and a second delete of the same message neither', async () => {
      const { owner, member, channel } = await room();
      const ownerSocket = await ctx.connect(owner.token);
      const received = record(ownerSocket, 'message.deleted');
      const message = await ctx.send(owner, channel.id, { text: 'mine' });
      const byOther = await ctx.request('DELETE', `${messagesUrl(channel.id)}/${message.id}`, { token: member.token });
      expect(byOther.status).toBe(404);
      expect(byOther.body).toEqual({ error: 'Message not found or unauthorized', code: 'HEYYO_ERR_MESSAGE_NOT_FOUND' });
      expect((await ctx.request('DELETE', `${messagesUrl(channel.id)}/${message.id}`, { token: owner.token })).status).toBe(200);
      expect((await ctx.request('DELETE', `${messagesUrl(channel.id)}/${message.id}`, { token: owner.token })).status).toBe(404);
      await barrier(owner, channel.id, [ownerSocket]);
      expect(received.map((event) => event.messageId)).toEqual([message.id]);
    });
  });

  describe('catch-up', () => {
    /** A channel with messages 1..5, message 3 deleted; returns the live messages as sent. */
    async function history() {
      const setup = await room();
      const sent: Message[] = [];
      for (let index = 1; index <= 5; index++) sent.push((await ctx.send(setup.owner, setup.channel.id, { text: `m${index}` })) as Message);
      await ctx.request('DELETE', `${messagesUrl(setup.channel.id)}/${sent[2]!.id}`, { token: setup.owner.token });
      return { ...setup, sent };
    }

    const tombstoneOf = (message: Message) => ({
      ...message,
      text: null,
      attachments: [],
      metadata: {},
      deleted_at: expect.stringMatching(ISO),
      updated_at: expect.stringMatching(ISO),
    });

    it('messages.sync returns what came after afterSeq in seq order, with tombstones', async () => {
      const { member, channel, sent } = await history();
      const socket = await ctx.connect(member.token);
      const result = await emitWithAck(socket, 'messages.sync', { channelId: channel.id, afterSeq: 0 });
      expect(result).toEqual({
        changes: [],
        messages: [sent[0], sent[1], tombstoneOf(sent[2]!), sent[3], sent[4]],
        hasMore: false,
        lastSeq: 5,
        version: expect.any(Number),
      });
      expect(result.messages.map((message: Message) => message.seq)).toEqual([1, 2, 3, 4, 5]);

      const tail = await emitWithAck(socket, 'messages.sync', { channelId: channel.id, afterSeq: 4 });
      expect(tail).toEqual({ changes: [], messages: [sent[4]], hasMore: false, lastSeq: 5, version: result.version });
      const upToDate = await emitWithAck(socket, 'messages.sync', { channelId: channel.id, afterSeq: 5 });
      expect(upToDate).toEqual({ changes: [], messages: [], hasMore: false, lastSeq: 5, version: result.version });
    });

    it('messages.sync pages with limit', async () => {
      const { member, channel } = await history();
      const socket = await ctx.connect(member.token);
      const pages: { seqs: number[]; hasMore: boolean; lastSeq: number }[] = [];
      let afterSeq = 0;
      for (let guard = 0; guard < 10; guard++) {
        const page = await emitWithAck(socket, 'messages.sync', { channelId: channel.id, afterSeq, limit: 2 });
        pages.push({ seqs: page.messages.map((message: Message) => message.seq), hasMore: page.hasMore, lastSeq: page.lastSeq });
        if (!page.hasMore) break;
        afterSeq = page.messages.at(-1).seq;
      }
      expect(pages).toEqual([
        { seqs: [1, 2], hasMore: true, lastSeq: 5 },
        { seqs: [3, 4], hasMore: true, lastSeq: 5 },
        { seqs: [5], hasMore: false, lastSeq: 5 },
      ]);
    });

    it('messages.sync is refused to non-members and for invalid payloads', async () => {
      const { outsider, channel } = await history();
      const socket = await ctx.connect(outsider.token);
      expect(await emitWithAck(socket, 'messages.sync', { channelId: channel.id, afterSeq: 0 })).toEqual(NOT_MEMBER);
      expect(await emitWithAck(socket, 'messages.sync', { channelId: randomUUID(), afterSeq: 0 })).toEqual(CHANNEL_NOT_FOUND);
      for (const payload of [
        { channelId: channel.id },
        { channelId: channel.id, afterSeq: -1 },
        { channelId: channel.id, afterSeq: 1.5 },
        { channelId: channel.id, afterSeq: 0, limit: 0 },
        { channelId: channel.id, afterSeq: 0, limit: 101 },
      ]) {
        expect(await emitWithAck(socket, 'messages.sync', payload)).toEqual({
          error: expect.any(String),
          code: 'HEYYO_ERR_VALIDATION',
        });
      }
    });

    it('GET ?after_seq=N returns seq > N ascending, tombstones included', async () => {
      const { member, channel, sent } = await history();
      const response = await ctx.request('GET', `${messagesUrl(channel.id)}?after_seq=1`, { token: member.token });
      expect(response.status).toBe(200);
      expect(response.body.map((m: Message) => m.seq)).toEqual([2, 3, 4, 5]);
      const tombstone = response.body[1];
      expect(tombstone).toMatchObject({
        id: sent[2]!.id,
        seq: 3,
        text: null,
        attachments: [],
        metadata: {},
        deleted_at: expect.stringMatching(ISO),
      });
      expect(response.body[0]).toMatchObject({ id: sent[1]!.id, text: 'm2', deleted_at: null });

      const limited = await ctx.request('GET', `${messagesUrl(channel.id)}?after_seq=0&limit=2`, { token: member.token });
      expect(limited.body.map((m: Message) => m.seq)).toEqual([1, 2]);
    });

    it('GET refuses before together with after_seq: 400', async () => {
      const { member, channel } = await history();
      const response = await ctx.request('GET', `${messagesUrl(channel.id)}?after_seq=1&before=${new Date().toISOString()}`, {
        token: member.token,
      });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error: 'Use either before or after_seq, not both', code: 'HEYYO_ERR_VALIDATION' });
    });
  });
});

describe('socket gateway with HEYYO_SYNC_MAX_BEHIND=5', () => {
  const ctx = useNodeContext({ env: { HEYYO_SYNC_MAX_BEHIND: '5' } });
  const { room, messagesUrl } = helpers(ctx);

  it('asks a client more than 5 messages behind to resync, over the socket and REST', async () => {
    const { owner, member, channel } = await room();
    for (let index = 1; index <= 6; index++) await ctx.send(owner, channel.id, { text: `m${index}` });
    const socket = await ctx.connect(member.token);

    const resync = {
      error: 'Too far behind to catch up (6 messages, at most 5): reload the channel history',
      code: 'HEYYO_ERR_RESYNC_REQUIRED',
    };
    expect(await emitWithAck(socket, 'messages.sync', { channelId: channel.id, afterSeq: 0 })).toEqual(resync);
    const behind = await ctx.request('GET', `${messagesUrl(channel.id)}?after_seq=0`, { token: member.token });
    expect(behind.status).toBe(410);
    expect(behind.body).toEqual(resync);

    // Exactly 5 behind is still a catch-up.
    const synced = await emitWithAck(socket, 'messages.sync', { channelId: channel.id, afterSeq: 1 });
    expect(synced.messages.map((message: Message) => message.seq)).toEqual([2, 3, 4, 5, 6]);
    const listed = await ctx.request('GET', `${messagesUrl(channel.id)}?after_seq=1`, { token: member.token });
    expect(listed.status).toBe(200);
    expect(listed.body.map((message: Message) => message.seq)).toEqual([2, 3, 4, 5, 6]);
  });
});

describe('socket gateway with a per-connection event rate limit', () => {
  const ctx = useNodeContext({ env: { HEYYO_WS_EVENT_BURST: '5', HEYYO_WS_EVENTS_PER_SECOND: '1' } });
  const { room, messagesUrl } = helpers(ctx);

  it('refuses the 6th rapid event with HEYYO_ERR_RATE_LIMITED, per connection', async () => {
    const { owner, channel } = await room();
    const socket = await ctx.connect(owner.token);
    const acks = await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        emitWithAck(socket, 'message.send', { channelId: channel.id, text: `burst ${index}` }),
      ),
    );
    expect(acks.slice(0, 5).map((ack) => ack.message?.seq).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(acks[5]).toEqual({ error: expect.stringMatching(/^Rate limit exceeded/), code: 'HEYYO_ERR_RATE_LIMITED' });
    // Other events share the bucket.
    expect(await emitWithAck(socket, 'typing.start', { channelId: channel.id })).toMatchObject({ code: 'HEYYO_ERR_RATE_LIMITED' });

    // The refused message was not stored.
    const listed = await ctx.request('GET', messagesUrl(channel.id), { token: owner.token });
    expect(listed.body).toHaveLength(5);

    // Another connection of the same user has its own bucket.
    const second = await ctx.connect(owner.token);
    expect(await emitWithAck(second, 'typing.start', { channelId: channel.id })).toEqual({ success: true });

    // The bucket refills at 1 event per second: the first connection is served again.
    const deadline = Date.now() + 3000;
    let ack = await emitWithAck(socket, 'typing.start', { channelId: channel.id });
    while (ack.code === 'HEYYO_ERR_RATE_LIMITED' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      ack = await emitWithAck(socket, 'typing.start', { channelId: channel.id });
    }
    expect(ack).toEqual({ success: true });
  });
});
