import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { apiCredentials, type TestApp } from '../support/factories.ts';
import { useNodeContext } from '../support/node-context.ts';
import { nextEvent, record } from '../support/sockets.ts';

/*
 * The server API: the channel and message routes users call, called by the tenant's backend
 * with its API credentials instead of a user token, with the app's whole scope.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

describe('server API (X-API-Key + X-API-Secret on channel and message routes)', () => {
  const ctx = useNodeContext();
  const server = (app: TestApp) => ({ headers: apiCredentials(app) });
  const asServer = (app: TestApp, body?: unknown) => ({ ...server(app), ...(body === undefined ? {} : { body }) });

  it('creates a channel as created_by (its owner), who gets its messages; members join with them', async () => {
    const app = await ctx.newApp();
    const [ann, bob] = [await ctx.newUser(app), await ctx.newUser(app)];
    const created = await ctx.request('POST', '/api/channels', asServer(app, { name: 'support', created_by: ann.id, members: [bob.id] }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'support', created_by: ann.id, app_id: app.id, type: 'messaging' });
    const details = await ctx.request('GET', `/api/channels/${created.body.id}`, { token: ann.token });
    expect(details.body.members.map((member: { id: string; role: string }) => [member.id, member.role]).sort()).toEqual(
      [
        [ann.id, 'owner'],
        [bob.id, 'member'],
      ].sort(),
    );
  });

  it('refuses created_by and user_id from users, and requires them from the server', async () => {
    const app = await ctx.newApp();
    const ann = await ctx.newUser(app);
    const channel = await ctx.newChannel(ann);
    const fromUser = await ctx.request('POST', '/api/channels', { token: ann.token, body: { name: 'x', created_by: ann.id } });
    expect(fromUser).toMatchObject({ status: 400, body: { error: 'created_by: only with API credentials (X-API-Key + X-API-Secret)' } });
    const sendFromUser = await ctx.request('POST', `/api/channels/${channel.id}/messages`, { token: ann.token, body: { text: 'hi', user_id: ann.id } });
    expect(sendFromUser).toMatchObject({ status: 400, body: { error: 'user_id: only with API credentials (X-API-Key + X-API-Secret)' } });
    const noCreator = await ctx.request('POST', '/api/channels', asServer(app, { name: 'x' }));
    expect(noCreator).toMatchObject({ status: 400, body: { error: 'created_by is required with API credentials' } });
    const noSender = await ctx.request('POST', `/api/channels/${channel.id}/messages`, asServer(app, { text: 'hi' }));
    expect(noSender).toMatchObject({ status: 400, body: { error: 'user_id is required with API credentials' } });
    const filterFromUser = await ctx.request('GET', '/api/channels?type=messaging', { token: ann.token });
    expect(filterFromUser).toMatchObject({ status: 400, body: { error: 'type: only with API credentials (X-API-Key + X-API-Secret)' } });
  });

  it('sends as user_id: the same message.new as a user send, idempotent with client_id', async () => {
    const app = await ctx.newApp();
    const [ann, bob] = [await ctx.newUser(app), await ctx.newUser(app)];
    const channel = await ctx.newChannel(ann, { members: [bob.id] });
    const bobSocket = await ctx.connect(bob.token);
    const heard = nextEvent(bobSocket, 'message.new');
    const body = { text: 'from the backend', user_id: ann.id, client_id: 'import-1' };
    const sent = await ctx.request('POST', `/api/channels/${channel.id}/messages`, asServer(app, body));
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ user_id: ann.id, text: 'from the backend', seq: 1, client_id: 'import-1', user: { external_id: ann.externalId } });
    expect(await heard).toEqual(sent.body);
    const again = await ctx.request('POST', `/api/channels/${channel.id}/messages`, asServer(app, body));
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(sent.body.id);
  });

  it('sends only as a member of the channel, and not as a deactivated user or one of another app', async () => {
    const app = await ctx.newApp();
    const [ann, outsider] = [await ctx.newUser(app), await ctx.newUser(app)];
    const stranger = await ctx.newUser(await ctx.newApp());
    const channel = await ctx.newChannel(ann);
    const send = (userId: string) => ctx.request('POST', `/api/channels/${channel.id}/messages`, asServer(app, { text: 'x', user_id: userId }));
    expect(await send(outsider.id)).toMatchObject({ status: 403, body: { code: 'HEYYO_ERR_NOT_MEMBER' } });
    expect(await send(stranger.id)).toMatchObject({ status: 404, body: { code: 'HEYYO_ERR_USER_NOT_FOUND' } });
    expect(await send(randomUUID())).toMatchObject({ status: 404, body: { code: 'HEYYO_ERR_USER_NOT_FOUND' } });
    await ctx.request('DELETE', `/api/users/${ann.id}`, server(app));
    expect(await send(ann.id)).toMatchObject({ status: 403, body: { code: 'HEYYO_ERR_USER_DEACTIVATED' } });
  });

  it('reads any channel of its app (details, history, replies, pins) without being a member', async () => {
    const app = await ctx.newApp();
    const ann = await ctx.newUser(app);
    const channel = await ctx.newChannel(ann);
    const first = await ctx.send(ann, channel.id, { text: 'one' });
    await ctx.send(ann, channel.id, { text: 'reply', parent_id: first.id });
    const details = await ctx.request('GET', `/api/channels/${channel.id}`, server(app));
    expect(details).toMatchObject({ status: 200, body: { id: channel.id, member_count: 1, members: [{ id: ann.id, role: 'owner' }] } });
    const history = await ctx.request('GET', `/api/channels/${channel.id}/messages`, server(app));
    expect(history.status).toBe(200);
    expect(history.body.map((message: { text: string }) => message.text)).toEqual(['one', 'reply']);
    const replies = await ctx.request('GET', `/api/channels/${channel.id}/messages/${first.id}/replies`, server(app));
    expect(replies.body.map((message: { text: string }) => message.text)).toEqual(['reply']);
    expect(replies.headers['x-total-count']).toBe('1');
    expect((await ctx.request('GET', `/api/channels/${channel.id}/pins`, server(app))).status).toBe(200);
  });

  it('lists every channel of its app, newest first, filtered by type, member and name prefix', async () => {
    const app = await ctx.newApp();
    const [ann, bob] = [await ctx.newUser(app), await ctx.newUser(app)];
    const general = await ctx.newChannel(ann, { name: 'general' });
    const gaming = await ctx.newChannel(bob, { name: 'gaming', type: 'livestream' });
    const random = await ctx.newChannel(bob, { name: 'random', members: [ann.id] });
    await ctx.newChannel(await ctx.newUser(await ctx.newApp()), { name: 'general' });
    const names = async (query: string) => {
      const response = await ctx.request('GET', `/api/channels${query}`, server(app));
      expect(response.status).toBe(200);
      return response.body.map((channel: { name: string }) => channel.name);
    };
    expect(await names('')).toEqual(['random', 'gaming', 'general']);
    expect(await names('?type=livestream')).toEqual(['gaming']);
    expect(await names(`?member=${ann.id}`)).toEqual(['random', 'general']);
    expect(await names('?name_prefix=g')).toEqual(['gaming', 'general']);
    expect(await names(`?name_prefix=g&member=${bob.id}`)).toEqual(['gaming']);
    expect(await names('?name_prefix=%25')).toEqual([]);
    expect(await names(`?member=${randomUUID()}`)).toEqual([]);
    for (const hostile of ['?name_prefix=a%00', `?name_prefix=${'x'.repeat(201)}`, '?type=a%20b']) {
      expect((await ctx.request('GET', `/api/channels${hostile}`, server(app))).status, hostile).toBe(400);
    }
    const listed = await ctx.request('GET', '/api/channels?limit=1', server(app));
    expect(listed.body).toEqual([
      expect.objectContaining({ id: random.id, member_count: 2, message_count: 0, last_seq: 0, last_message_at: null, created_by: bob.id }),
    ]);
    expect(listed.headers['x-total-count']).toBe('3');
    expect([general.id, gaming.id]).not.toContain(listed.body[0].id);
  });

  it('updates and deletes any channel; members hear channel.updated and channel.deleted (deletedBy: the nil UUID)', async () => {
    const app = await ctx.newApp();
    const ann = await ctx.newUser(app);
    const channel = await ctx.newChannel(ann);
    const socket = await ctx.connect(ann.token);
    const updatedEvent = nextEvent(socket, 'channel.updated');
    const updated = await ctx.request('PATCH', `/api/channels/${channel.id}`, asServer(app, { name: 'renamed' }));
    expect(updated).toMatchObject({ status: 200, body: { name: 'renamed' } });
    expect(await updatedEvent).toMatchObject({ id: channel.id, name: 'renamed' });
    const deletedEvent = nextEvent(socket, 'channel.deleted');
    expect(await ctx.request('DELETE', `/api/channels/${channel.id}`, server(app))).toMatchObject({ status: 200 });
    expect(await deletedEvent).toEqual({ channelId: channel.id, deletedBy: NIL_UUID });
    expect((await ctx.request('GET', `/api/channels/${channel.id}`, server(app))).status).toBe(404);
  });

  it('adds and removes members in bulk, all or none: checked first, one transaction, twice changes nothing, events for each', async () => {
    const app = await ctx.newApp();
    const [ann, bob, cat, dan] = [await ctx.newUser(app), await ctx.newUser(app), await ctx.newUser(app), await ctx.newUser(app)];
    const channel = await ctx.newChannel(ann);
    const socket = await ctx.connect(ann.token);
    const joined = record(socket, 'member.joined');
    const add = (userIds: string[]) => ctx.request('POST', `/api/channels/${channel.id}/members`, asServer(app, { user_ids: userIds }));
    const refused = await add([bob.id, randomUUID()]);
    expect(refused).toMatchObject({ status: 404, body: { code: 'HEYYO_ERR_USER_NOT_FOUND' } });
    const details = async () => (await ctx.request('GET', `/api/channels/${channel.id}`, server(app))).body;
    expect((await details()).member_count).toBe(1);
    const added = await add([bob.id, cat.id, bob.id.toUpperCase()]);
    expect(added).toMatchObject({ status: 200, body: { message: 'Members added', unchanged: [] } });
    expect([...added.body.changed].sort()).toEqual([bob.id, cat.id].sort());
    const again = await add([bob.id, dan.id]);
    expect(again.body).toEqual({ message: 'Members added', changed: [dan.id], unchanged: [bob.id] });
    expect((await details()).member_count).toBe(4);
    await expect.poll(() => joined.length).toBe(3);

    const remove = (userIds: string[]) => ctx.request('POST', `/api/channels/${channel.id}/members/remove`, asServer(app, { user_ids: userIds }));
    const removed = await remove([bob.id, cat.id]);
    expect(removed.status).toBe(200);
    expect([...removed.body.changed].sort()).toEqual([bob.id, cat.id].sort());
    expect((await remove([bob.id])).body).toEqual({ message: 'Members removed', changed: [], unchanged: [bob.id] });
    expect((await details()).member_count).toBe(2);
    const single = await ctx.request('POST', `/api/channels/${channel.id}/members`, asServer(app, { user_id: bob.id }));
    expect(single).toMatchObject({ status: 200, body: { message: 'Member added' } });
    expect(Object.keys(single.body)).toEqual(['message']);
    const one = await ctx.request('DELETE', `/api/channels/${channel.id}/members/${dan.id}`, server(app));
    expect(one).toMatchObject({ status: 200, body: { message: 'Member removed' } });
    // One transaction: bob goes first, then ann is refused as the last owner (cat stays), and bob stays too.
    expect((await add([cat.id])).status).toBe(200);
    const left = record(socket, 'member.removed');
    expect(await remove([bob.id, ann.id])).toMatchObject({ status: 409, body: { code: 'HEYYO_ERR_LAST_OWNER' } });
    expect((await details()).member_count).toBe(3);
    expect((await details()).members.map((member: { id: string }) => member.id).sort()).toEqual([ann.id, bob.id, cat.id].sort());
    expect(left).toEqual([]);
    const tooMany = await add(Array.from({ length: 101 }, () => randomUUID()));
    expect(tooMany.status).toBe(400);
  });

  it("deletes any message of its app; another app's credentials see nothing of it", async () => {
    const app = await ctx.newApp();
    const other = await ctx.newApp();
    const ann = await ctx.newUser(app);
    const channel = await ctx.newChannel(ann);
    const message = await ctx.send(ann, channel.id, { text: 'bye' });
    const path = `/api/channels/${channel.id}/messages/${message.id}`;
    expect((await ctx.request('DELETE', path, server(other))).status).toBe(404);
    expect((await ctx.request('GET', `/api/channels/${channel.id}`, server(other))).status).toBe(404);
    expect((await ctx.request('GET', `/api/channels/${channel.id}/messages`, server(other))).status).toBe(404);
    expect((await ctx.request('PATCH', `/api/channels/${channel.id}`, asServer(other, { name: 'mine' }))).status).toBe(404);
    expect((await ctx.request('POST', '/api/channels', asServer(other, { name: 'x', created_by: ann.id }))).status).toBe(404);
    expect((await ctx.request('GET', '/api/channels', server(other))).body).toEqual([]);
    expect(await ctx.request('DELETE', path, server(app))).toMatchObject({ status: 200, body: { message: 'Message deleted' } });
    const history = await ctx.request('GET', `/api/channels/${channel.id}/messages`, { token: ann.token });
    expect(history.body).toEqual([]);
  });

  it('keeps user-only routes for user tokens, and refuses wrong credentials', async () => {
    const app = await ctx.newApp();
    const ann = await ctx.newUser(app);
    const channel = await ctx.newChannel(ann);
    for (const [method, path] of [
      ['POST', `/api/channels/${channel.id}/join`],
      ['POST', `/api/channels/${channel.id}/leave`],
      ['POST', `/api/channels/${channel.id}/read`],
      ['GET', '/api/channels/discover'],
      ['GET', '/api/auth/verify'],
      ['GET', `/api/channels/${channel.id}/bans`],
    ] as const) {
      const response = await ctx.request(method, path, server(app));
      expect(response, `${method} ${path}`).toMatchObject({ status: 401, body: { code: 'HEYYO_ERR_AUTH_REQUIRED' } });
    }
    const wrong = await ctx.request('GET', '/api/channels', { headers: { 'x-api-key': app.api_key, 'x-api-secret': 'nope' } });
    expect(wrong).toMatchObject({ status: 401, body: { code: 'HEYYO_ERR_INVALID_CREDENTIALS' } });
    const keyOnly = await ctx.request('GET', '/api/channels', { headers: { 'x-api-key': app.api_key } });
    expect(keyOnly).toMatchObject({ status: 401, body: { code: 'HEYYO_ERR_AUTH_REQUIRED' } });
    // A bearer token wins: the user's own list, whatever else is sent.
    const both = await ctx.request('GET', '/api/channels', { token: ann.token, ...server(app) });
    expect(both.status).toBe(200);
    expect(both.body[0]).toMatchObject({ id: channel.id, role: 'owner' });
  });

  it('answers ids as UUIDs everywhere it names users', async () => {
    const app = await ctx.newApp();
    const ann = await ctx.newUser(app);
    const created = await ctx.request('POST', '/api/channels', asServer(app, { name: 'x', created_by: ann.id.toUpperCase() }));
    expect(created.status).toBe(201);
    expect(created.body.created_by).toMatch(UUID);
    expect(created.body.created_by).toBe(ann.id);
  });
});
