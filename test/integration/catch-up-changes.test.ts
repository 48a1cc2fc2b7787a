/**
 * Catch-up sees every change (issue 14, item 9): a client away while messages were edited,
 * deleted, pinned or reacted to, members joined, left, were removed, promoted, banned or muted,
 * and the channel was renamed, gets each of those changes from `messages.sync` with
 * `afterVersion` — exactly once, in version order, with the payload and version it would have
 * had live — and a page at a time when there are many.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANGE_LOG_VERSIONS, createDb, type DatabaseHandle } from '@heyyo/database';
import type { TestUser } from '../support/factories.ts';
import { useNodeContext } from '../support/node-context.ts';
import { emitWithAck, nextEvent, type ClientSocket } from '../support/sockets.ts';

interface Change {
  event: string;
  payload: Record<string, any>;
}

describe('catch-up of changes (messages.sync afterVersion)', () => {
  const ctx = useNodeContext();
  let database: DatabaseHandle;
  beforeAll(() => {
    database = createDb({ url: ctx.config.database.url, poolMax: 2 });
  });
  afterAll(() => database.close());

  /** ann owns a channel with bob (who will be away), carol and dave, and three messages. */
  async function world() {
    const app = await ctx.newApp();
    const [ann, bob, carol, dave, erin] = [
      await ctx.newUser(app, { externalId: 'ann' }),
      await ctx.newUser(app, { externalId: 'bob' }),
      await ctx.newUser(app, { externalId: 'carol' }),
      await ctx.newUser(app, { externalId: 'dave' }),
      await ctx.newUser(app, { externalId: 'erin' }),
    ];
    const channel = await ctx.newChannel(ann, { members: [bob.id, carol.id, dave.id] });
    const sent = [await ctx.send(ann, channel.id, { text: 'one' }), await ctx.send(ann, channel.id, { text: 'two' }), await ctx.send(carol, channel.id, { text: 'three' })];
    return { app, ann, bob, carol, dave, erin, channel, sent };
  }
  const sync = (socket: ClientSocket, payload: Record<string, unknown>) => emitWithAck(socket, 'messages.sync', payload);
  const as = (user: TestUser, method: string, path: string, body?: unknown) =>
    ctx.request(method, path, { token: user.token, ...(body === undefined ? {} : { body }) });
  /** A change the test makes went through. */
  const ok = (response: { status: number; body: unknown }) => expect(response.status, JSON.stringify(response.body)).toBeLessThan(300);

  /** Every change after `afterVersion`, page by page of `limit`, checking each page's shape. */
  async function allChanges(socket: ClientSocket, channelId: string, afterSeq: number, afterVersion: number, limit = 100) {
    const changes: Change[] = [];
    let version = afterVersion;
    for (let hasMore = true; hasMore; ) {
      const page = await sync(socket, { channelId, afterSeq, afterVersion: version, limit });
      expect(page.version).toBeGreaterThanOrEqual(version);
      if (page.hasMore && page.changes.length === limit) expect(page.messages).toEqual([]);
      changes.push(...page.changes);
      version = page.version;
      hasMore = page.hasMore && page.changes.length > 0;
    }
    return { changes, version };
  }

  it('returns each change made while the client was away once, in order, as it was announced live', async () => {
    const { ann, bob, carol, dave, erin, channel, sent } = await world();
    const bobSocket = await ctx.connect(bob.token);
    const baseline = await sync(bobSocket, { channelId: channel.id, afterSeq: 3 });
    expect(baseline).toMatchObject({ changes: [], messages: [], hasMore: false, lastSeq: 3, version: expect.any(Number) });
    bobSocket.disconnect();

    // What ann's connection hears live, to compare with what bob catches up on.
    const annSocket = await ctx.connect(ann.token);
    const heard: Change[] = [];
    for (const event of ['message.updated', 'message.deleted', 'message.pinned', 'reaction.new', 'reaction.deleted', 'member.joined', 'member.left', 'member.removed', 'member.updated', 'member.banned', 'member.muted', 'member.unmuted', 'channel.updated'] as const) {
      annSocket.on(event, (payload: any) => heard.push({ event, payload }));
    }
    const path = `/api/channels/${channel.id}`;
    ok(await as(ann, 'PATCH', `${path}/messages/${sent[0]!.id}`, { text: 'one, edited' }));
    ok(await as(ann, 'DELETE', `${path}/messages/${sent[1]!.id}`));
    ok(await as(ann, 'POST', `${path}/messages/${sent[2]!.id}/pin`));
    ok(await as(carol, 'POST', `${path}/messages/${sent[0]!.id}/reactions`, { type: ':+1:' }));
    await ctx.settled();
    ok(await as(carol, 'DELETE', `${path}/messages/${sent[0]!.id}/reactions/:+1:`));
    await ctx.settled();
    ok(await as(erin, 'POST', `${path}/join`));
    ok(await as(dave, 'POST', `${path}/leave`));
    ok(await as(ann, 'PATCH', `${path}/members/${carol.id}`, { role: 'moderator' }));
    ok(await as(carol, 'POST', `${path}/mutes`, { user_id: erin.id }));
    ok(await as(carol, 'DELETE', `${path}/mutes/${erin.id}`));
    ok(await as(carol, 'POST', `${path}/bans`, { user_id: erin.id }));
    ok(await as(ann, 'PATCH', path, { name: 'renamed' }));
    const later = await ctx.send(ann, channel.id, { text: 'four' });

    const back = await ctx.connect(bob.token);
    const page = await sync(back, { channelId: channel.id, afterSeq: 3, afterVersion: baseline.version });
    expect(page.messages.map((message: { id: string }) => message.id)).toEqual([later.id]);
    expect(page.hasMore).toBe(false);
    expect(page.changes.map((change: Change) => change.event)).toEqual([
      'message.deleted',
      'message.updated', // the pin: a message comes as it is now
      'reaction.new',
      'reaction.deleted',
      'message.updated', // one: edited, then its reactions recounted — its last change
      'member.joined',
      'member.left',
      'member.updated',
      'member.muted',
      'member.unmuted',
      'member.banned',
      'channel.updated',
    ]);
    const versions = page.changes.map((change: Change) => change.payload.version);
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
    expect(new Set(versions).size).toBe(versions.length);
    expect(versions[0]).toBeGreaterThan(baseline.version);
    expect(page.version).toBeGreaterThanOrEqual(versions.at(-1));

    // The payloads as the live events had them, versions included; a message as it is now.
    const live = (event: string, id: string) =>
      heard.findLast((change) => change.event === event && [change.payload.id, change.payload.messageId, change.payload.userId].includes(id))!.payload;
    const [deleted, pinned, reacted, unreacted, edited, joined, left, promoted, muted, unmuted, banned, renamed] = page.changes.map((change: Change) => change.payload);
    expect(deleted).toEqual(live('message.deleted', sent[1]!.id));
    expect(pinned).toEqual(live('message.pinned', sent[2]!.id));
    expect(reacted).toEqual({ messageId: sent[0]!.id, channelId: channel.id, userId: carol.id, externalId: 'carol', type: ':+1:', version: versions[2] });
    expect(reacted).toEqual(live('reaction.new', sent[0]!.id));
    expect(unreacted).toEqual(live('reaction.deleted', sent[0]!.id));
    expect(edited).toMatchObject({ ...live('message.updated', sent[0]!.id), version: versions[4] });
    expect(joined).toEqual({ channelId: channel.id, userId: erin.id, externalId: 'erin', version: versions[5] });
    expect(left).toEqual(live('member.left', dave.id));
    expect(promoted).toEqual({ ...live('member.updated', carol.id), role: 'moderator' });
    expect(muted).toEqual(live('member.muted', erin.id));
    expect(unmuted).toEqual(live('member.unmuted', erin.id));
    expect(banned).toEqual(live('member.banned', erin.id));
    expect(renamed).toEqual({ ...live('channel.updated', channel.id), name: 'renamed' });

    // Caught up: nothing again.
    const again = await sync(back, { channelId: channel.id, afterSeq: later.seq, afterVersion: page.version });
    expect(again).toMatchObject({ changes: [], messages: [], hasMore: false, version: page.version });
  });

  it('gives a message changed several times once, as it is now, at its last change', async () => {
    const { ann, bob, channel, sent } = await world();
    const socket = await ctx.connect(bob.token);
    const { version } = await sync(socket, { channelId: channel.id, afterSeq: 3 });
    const path = `/api/channels/${channel.id}/messages/${sent[0]!.id}`;
    await as(ann, 'PATCH', path, { text: 'a' });
    await as(ann, 'POST', `${path}/pin`);
    const last = await as(ann, 'PATCH', path, { text: 'b' });

    const page = await sync(socket, { channelId: channel.id, afterSeq: 3, afterVersion: version });
    expect(page.changes).toEqual([{ event: 'message.updated', payload: { ...last.body, version: page.version } }]);
    expect(page.changes[0].payload).toMatchObject({ text: 'b', pinned_by: ann.id });
  });

  it('leaves out changes to messages after afterSeq: they come whole', async () => {
    const { ann, bob, carol, channel, sent } = await world();
    const socket = await ctx.connect(bob.token);
    const { version } = await sync(socket, { channelId: channel.id, afterSeq: 1 });
    await as(ann, 'PATCH', `/api/channels/${channel.id}/messages/${sent[1]!.id}`, { text: 'two, edited' });
    await as(carol, 'POST', `/api/channels/${channel.id}/messages/${sent[2]!.id}/reactions`, { type: ':x:' });
    await ctx.settled();

    const page = await sync(socket, { channelId: channel.id, afterSeq: 1, afterVersion: version });
    expect(page.changes).toEqual([]);
    expect(page.messages).toMatchObject([{ id: sent[1]!.id, text: 'two, edited' }, { id: sent[2]!.id }]);
  });

  it('pages many changes, ending each page at its last change, and loses or repeats none', async () => {
    const { ann, bob, channel, sent } = await world();
    const socket = await ctx.connect(bob.token);
    const { version } = await sync(socket, { channelId: channel.id, afterSeq: 3 });
    for (let edit = 0; edit < 4; edit++) {
      for (const message of sent.slice(0, 2)) ok(await as(ann, 'PATCH', `/api/channels/${channel.id}/messages/${message.id}`, { text: `edit ${edit}` }));
      await as(ann, 'PATCH', `/api/channels/${channel.id}`, { description: `description ${edit}` });
    }
    await as(ann, 'DELETE', `/api/channels/${channel.id}/messages/${sent[0]!.id}`);

    const whole = await allChanges(socket, channel.id, 3, version);
    const paged = await allChanges(socket, channel.id, 3, version, 2);
    expect(paged).toEqual(whole);
    // Two messages (each once, as it is now: one deleted) and four channel updates.
    expect(whole.changes.map((change) => change.event).sort()).toEqual([...Array(4).fill('channel.updated'), 'message.deleted', 'message.updated']);
  });

  it('takes the deletion of a reply as two changes: the reply, then its parent as it is now', async () => {
    const { ann, bob, channel, sent } = await world();
    const reply = await ctx.send(ann, channel.id, { text: 'reply', parent_id: sent[0]!.id });
    const socket = await ctx.connect(bob.token);
    const { version } = await sync(socket, { channelId: channel.id, afterSeq: reply.seq });
    const parentHeard = nextEvent(socket, 'message.updated');
    await as(ann, 'DELETE', `/api/channels/${channel.id}/messages/${reply.id}`);

    const page = await sync(socket, { channelId: channel.id, afterSeq: reply.seq, afterVersion: version });
    expect(page.changes.map((change: Change) => [change.event, change.payload.id ?? change.payload.messageId])).toEqual([
      ['message.deleted', reply.id],
      ['message.updated', sent[0]!.id],
    ]);
    expect(page.changes[1].payload).toEqual(await parentHeard);
    expect(page.changes[1].payload).toMatchObject({ reply_count: 0, last_reply_at: null });
  });

  it("returns an erased user's departure and each of their messages, now tombstones", async () => {
    const { app, ann, bob, carol, channel, sent } = await world();
    const mine = await ctx.send(carol, channel.id, { text: 'four' });
    const socket = await ctx.connect(bob.token);
    const { version } = await sync(socket, { channelId: channel.id, afterSeq: mine.seq });
    await as(carol, 'POST', `/api/channels/${channel.id}/messages/${sent[0]!.id}/reactions`, { type: ':ok:' });
    await ctx.settled();
    const since = (await sync(socket, { channelId: channel.id, afterSeq: mine.seq, afterVersion: version })).version;

    const erased = await ctx.request('DELETE', `/api/users/${carol.id}?hard=true`, { headers: { 'x-api-key': app.api_key, 'x-api-secret': app.api_secret } });
    expect(erased.status).toBe(200);
    const page = await sync(socket, { channelId: channel.id, afterSeq: mine.seq, afterVersion: since });
    expect(page.changes.map((change: Change) => [change.event, change.payload.messageId ?? change.payload.id ?? change.payload.userId])).toEqual([
      ['member.left', carol.id],
      ['message.updated', sent[0]!.id], // recounted without carol's reaction: changed, as it is now
      ['message.deleted', sent[2]!.id],
      ['message.deleted', mine.id],
    ]);
    expect(page.changes[3].payload).toEqual({ messageId: mine.id, channelId: channel.id, seq: mine.seq, deletedAt: expect.any(String), version: page.version });
  });

  it('keeps CHANGE_LOG_VERSIONS of logged events, and tells a client further behind to reload', async () => {
    const { ann, bob, channel } = await world();
    const socket = await ctx.connect(bob.token);
    const { version } = await sync(socket, { channelId: channel.id, afterSeq: 3 });
    ok(await as(ann, 'PATCH', `/api/channels/${channel.id}`, { name: 'old news' }));
    const logged = async () => (await database.sql`select version from channel_events where channel_id = ${channel.id}`).map((row) => Number(row.version));
    expect(await logged()).toEqual([version + 1]);
    // As if CHANGE_LOG_VERSIONS sends went by.
    await database.sql`update channels set history_version = history_version + ${CHANGE_LOG_VERSIONS} where id = ${channel.id}`;

    expect(await sync(socket, { channelId: channel.id, afterSeq: 3, afterVersion: version })).toMatchObject({
      code: 'HEYYO_ERR_RESYNC_REQUIRED',
      error: `Too far behind to catch up (${CHANGE_LOG_VERSIONS + 1} versions, at most ${CHANGE_LOG_VERSIONS}): reload the channel history`,
    });
    // The next logged change drops the one that fell behind.
    ok(await as(ann, 'PATCH', `/api/channels/${channel.id}`, { name: 'news' }));
    const now = version + CHANGE_LOG_VERSIONS + 2;
    expect(await logged()).toEqual([now]);
    const page = await sync(socket, { channelId: channel.id, afterSeq: 3, afterVersion: now - CHANGE_LOG_VERSIONS });
    expect(page.changes).toMatchObject([{ event: 'channel.updated', payload: { name: 'news', version: now } }]);
  });

  it('answers the same over REST (GET /api/channels/:id/sync), and refuses what the socket refuses', async () => {
    const { ann, bob, dave, channel, sent } = await world();
    const socket = await ctx.connect(bob.token);
    const { version } = await sync(socket, { channelId: channel.id, afterSeq: 2 });
    ok(await as(ann, 'PATCH', `/api/channels/${channel.id}/messages/${sent[0]!.id}`, { text: 'over rest' }));
    ok(await as(dave, 'POST', `/api/channels/${channel.id}/leave`));

    const rest = await as(bob, 'GET', `/api/channels/${channel.id}/sync?after_seq=2&after_version=${version}&limit=1`);
    expect(rest.status).toBe(200);
    expect(rest.body).toEqual(await sync(socket, { channelId: channel.id, afterSeq: 2, afterVersion: version, limit: 1 }));
    expect(rest.body).toMatchObject({ changes: [{ event: 'message.updated', payload: { text: 'over rest' } }], messages: [], hasMore: true });
    const next = await as(bob, 'GET', `/api/channels/${channel.id}/sync?after_seq=2&after_version=${rest.body.version}`);
    expect(next.body).toMatchObject({ changes: [{ event: 'member.left', payload: { userId: dave.id } }], messages: [{ seq: 3 }], hasMore: false });
    expect((await as(bob, 'GET', `/api/channels/${channel.id}/sync?after_seq=3`)).body).toMatchObject({ changes: [], messages: [], version: next.body.version });

    for (const bad of ['', '?after_seq=-1', '?after_seq=1&after_version=x', '?after_seq=1&limit=101', '?after_seq=1&colour=red']) {
      const refused = await as(bob, 'GET', `/api/channels/${channel.id}/sync${bad}`);
      expect(refused.status, bad).toBe(400);
      expect(refused.body.code).toBe('HEYYO_ERR_VALIDATION');
    }
    expect((await as(dave, 'GET', `/api/channels/${channel.id}/sync?after_seq=0`)).status).toBe(403);
    expect((await as(await ctx.newUser(), 'GET', `/api/channels/${channel.id}/sync?after_seq=0`)).status).toBe(404);
  });

  it('refuses a bad afterVersion and answers a future one with no changes', async () => {
    const { bob, channel } = await world();
    const socket = await ctx.connect(bob.token);
    for (const afterVersion of [-1, 1.5, '3', Number.MAX_SAFE_INTEGER + 2]) {
      expect(await sync(socket, { channelId: channel.id, afterSeq: 3, afterVersion })).toMatchObject({ code: 'HEYYO_ERR_VALIDATION' });
    }
    const { version } = await sync(socket, { channelId: channel.id, afterSeq: 3 });
    expect(await sync(socket, { channelId: channel.id, afterSeq: 3, afterVersion: version + 1000 })).toMatchObject({ changes: [], version });
  });

  it("shows another app's or a former member's nothing", async () => {
    const { ann, dave, channel } = await world();
    const stranger = await ctx.newUser();
    const [daveSocket, strangerSocket] = [await ctx.connect(dave.token), await ctx.connect(stranger.token)];
    await as(dave, 'POST', `/api/channels/${channel.id}/leave`);
    await as(ann, 'PATCH', `/api/channels/${channel.id}`, { name: 'secret' });
    expect(await sync(daveSocket, { channelId: channel.id, afterSeq: 0, afterVersion: 0 })).toMatchObject({ code: 'HEYYO_ERR_NOT_MEMBER' });
    expect(await sync(strangerSocket, { channelId: channel.id, afterSeq: 0, afterVersion: 0 })).toMatchObject({ code: 'HEYYO_ERR_CHANNEL_NOT_FOUND' });
  });
});
