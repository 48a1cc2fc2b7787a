/**
 * Channel roles (owner, moderator, member) and app roles (user, admin, from the token) decide,
 * through one permission table, who removes members, changes roles and deletes others' messages.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TestApp } from '../support/factories.ts';
import { useNodeContext } from '../support/node-context.ts';
import { emitWithAck, nextEvent, record } from '../support/sockets.ts';

describe('channel roles and moderation', () => {
  const ctx = useNodeContext();

  /** An admin of `app`: the tenant's backend asked for `role: "admin"`. */
  async function adminOf(app: TestApp) {
    const response = await ctx.request('POST', '/api/auth/token', {
      body: { api_key: app.api_key, api_secret: app.api_secret, user_id: `admin-${randomUUID()}`, role: 'admin' },
    });
    expect(response.status).toBe(200);
    return { id: response.body.user_id as string, token: response.body.token as string };
  }

  /** ann owns a channel with bob and carol in it. */
  async function channelOfThree() {
    const app = await ctx.newApp();
    const [ann, bob, carol] = [
      await ctx.newUser(app, { externalId: 'ann' }),
      await ctx.newUser(app, { externalId: 'bob' }),
      await ctx.newUser(app, { externalId: 'carol' }),
    ];
    const channel = await ctx.newChannel(ann, { members: [bob.id, carol.id] });
    return { app, ann, bob, carol, channel };
  }

  const setRole = (token: string, channelId: string, userId: string, role: string) =>
    ctx.request('PATCH', `/api/channels/${channelId}/members/${userId}`, { token, body: { role } });
  const remove = (token: string, channelId: string, userId: string) =>
    ctx.request('DELETE', `/api/channels/${channelId}/members/${userId}`, { token });

  it('lets an owner make a moderator, who then removes a member on every connection', async () => {
    const { ann, bob, carol, channel } = await channelOfThree();
    const [annSocket, carolSocket] = [await ctx.connect(ann.token), await ctx.connect(carol.token)];
    const promoted = nextEvent(annSocket, 'member.updated');
    expect(await setRole(ann.token, channel.id, bob.id, 'moderator')).toMatchObject({ status: 200, body: { message: 'Member updated' } });
    expect(await promoted).toEqual({ channelId: channel.id, userId: bob.id, externalId: 'bob', role: 'moderator', version: expect.any(Number) });
    const details = await ctx.request('GET', `/api/channels/${channel.id}`, { token: ann.token });
    expect(details.body.members.find((member: { id: string }) => member.id === bob.id).role).toBe('moderator');

    const carolMessages = record(carolSocket, 'message.new');
    const [annHears, carolHears] = [nextEvent(annSocket, 'member.removed'), nextEvent(carolSocket, 'member.removed')];
    expect(await remove(bob.token, channel.id, carol.id)).toMatchObject({ status: 200, body: { message: 'Member removed' } });
    const removed = { channelId: channel.id, userId: carol.id, externalId: 'carol', removedBy: bob.id, version: expect.any(Number) };
    expect(await annHears).toEqual(removed);
    expect(await carolHears).toEqual(removed);

    expect(await emitWithAck(carolSocket, 'message.send', { channelId: channel.id, text: 'still here?' })).toMatchObject({ code: 'HEYYO_ERR_NOT_MEMBER' });
    expect((await ctx.request('GET', `/api/channels/${channel.id}/messages`, { token: carol.token })).status).toBe(403);
    const delivered = nextEvent(annSocket, 'message.new');
    await ctx.send(ann, channel.id, { text: 'after carol' });
    await delivered;
    expect(carolMessages).toEqual([]);
  });

  it('refuses what a role does not allow, with the documented codes', async () => {
    const { app, ann, bob, carol, channel } = await channelOfThree();
    // A member removes or promotes nobody.
    expect(await remove(carol.token, channel.id, bob.id)).toMatchObject({ status: 403, body: { code: 'HEYYO_ERR_FORBIDDEN' } });
    expect(await setRole(carol.token, channel.id, carol.id, 'owner')).toMatchObject({ status: 403, body: { code: 'HEYYO_ERR_FORBIDDEN' } });
    // A moderator removes members, not the owner, and assigns no roles.
    await setRole(ann.token, channel.id, bob.id, 'moderator');
    const ownerProtected = await remove(bob.token, channel.id, ann.id);
    expect(ownerProtected).toMatchObject({ status: 403, body: { code: 'HEYYO_ERR_FORBIDDEN', error: 'Only an owner or an app admin can remove an owner' } });
    expect(await setRole(bob.token, channel.id, carol.id, 'moderator')).toMatchObject({ status: 403, body: { code: 'HEYYO_ERR_FORBIDDEN' } });
    // Strangers: another app's channel is not there; in the same app, not a member.
    const stranger = await ctx.newUser();
    expect(await remove(stranger.token, channel.id, carol.id)).toMatchObject({ status: 404, body: { code: 'HEYYO_ERR_CHANNEL_NOT_FOUND' } });
    const outsider = await ctx.newUser(app);
    expect(await remove(outsider.token, channel.id, carol.id)).toMatchObject({ status: 403, body: { code: 'HEYYO_ERR_NOT_MEMBER' } });
    // Targets that are not members, or not users of this app.
    expect(await remove(ann.token, channel.id, outsider.id)).toMatchObject({ status: 404, body: { code: 'HEYYO_ERR_MEMBER_NOT_FOUND' } });
    expect(await remove(ann.token, channel.id, stranger.id)).toMatchObject({ status: 404, body: { code: 'HEYYO_ERR_MEMBER_NOT_FOUND' } });
    expect(await setRole(ann.token, channel.id, randomUUID(), 'member')).toMatchObject({ status: 404, body: { code: 'HEYYO_ERR_MEMBER_NOT_FOUND' } });
    expect(await setRole(ann.token, channel.id, carol.id, 'king')).toMatchObject({
      status: 400,
      body: { code: 'HEYYO_ERR_VALIDATION', error: 'role must be one of owner, moderator, member' },
    });
    // Nothing changed.
    const details = await ctx.request('GET', `/api/channels/${channel.id}`, { token: ann.token });
    expect(details.body.members.map((member: { role: string }) => member.role).sort()).toEqual(['member', 'moderator', 'owner']);
  });

  it('keeps at least one owner', async () => {
    const { ann, bob, channel } = await channelOfThree();
    expect(await setRole(ann.token, channel.id, ann.id, 'member')).toMatchObject({ status: 409, body: { code: 'HEYYO_ERR_LAST_OWNER' } });
    expect((await setRole(ann.token, channel.id, bob.id, 'owner')).status).toBe(200);
    expect((await setRole(ann.token, channel.id, ann.id, 'member')).status).toBe(200);
    expect(await setRole(bob.token, channel.id, bob.id, 'moderator')).toMatchObject({ status: 409, body: { code: 'HEYYO_ERR_LAST_OWNER' } });
    // Setting the role a member has is not a change.
    expect((await setRole(bob.token, channel.id, ann.id, 'member')).status).toBe(200);
  });

  it('lets moderators and app admins delete anyone’s message, and nobody else', async () => {
    const { app, ann, bob, carol, channel } = await channelOfThree();
    const [first, second] = [await ctx.send(carol, channel.id, { text: 'one' }), await ctx.send(carol, channel.id, { text: 'two' })];
    const deleteAs = (token: string, messageId: string) => ctx.request('DELETE', `/api/channels/${channel.id}/messages/${messageId}`, { token });
    expect(await deleteAs(bob.token, first.id)).toMatchObject({ status: 404, body: { error: 'Message not found or unauthorized' } });
    await setRole(ann.token, channel.id, bob.id, 'moderator');
    expect((await deleteAs(bob.token, first.id)).status).toBe(200);
    const admin = await adminOf(app);
    expect((await deleteAs(admin.token, second.id)).status).toBe(200);
    const history = await ctx.request('GET', `/api/channels/${channel.id}/messages`, { token: ann.token });
    expect(history.body).toEqual([]);
  });

  it('lets owners and app admins update a channel, and tells its members', async () => {
    const { app, ann, bob, carol, channel } = await channelOfThree();
    const update = (token: string, body: unknown) => ctx.request('PATCH', `/api/channels/${channel.id}`, { token, body });
    const carolSocket = await ctx.connect(carol.token);
    const heard = nextEvent(carolSocket, 'channel.updated');
    const renamed = await update(ann.token, { name: '  renamed  ', metadata: { topic: 'x' } });
    expect(renamed).toMatchObject({ status: 200, body: { id: channel.id, name: 'renamed', description: null, metadata: { topic: 'x' } } });
    expect(await heard).toEqual({ ...renamed.body, version: expect.any(Number) });
    // Omitted fields stay; null clears the description.
    expect((await update(ann.token, { description: 'about' })).body).toMatchObject({ name: 'renamed', description: 'about', metadata: { topic: 'x' } });
    expect((await update(ann.token, { description: null })).body.description).toBeNull();
    const admin = await adminOf(app);
    expect((await update(admin.token, { name: 'by the admin' })).status).toBe(200);

    await setRole(ann.token, channel.id, bob.id, 'moderator');
    expect(await update(bob.token, { name: 'no' })).toMatchObject({ status: 403, body: { code: 'HEYYO_ERR_FORBIDDEN' } });
    expect(await update(carol.token, { name: 'no' })).toMatchObject({ status: 403, body: { code: 'HEYYO_ERR_FORBIDDEN' } });
    expect(await update(ann.token, {})).toMatchObject({ status: 400, body: { code: 'HEYYO_ERR_VALIDATION' } });
    expect(await update(ann.token, { name: '   ' })).toMatchObject({ status: 400, body: { error: 'name must not be empty' } });
    expect(await update(ann.token, { type: 'livestream' })).toMatchObject({ status: 400, body: { error: 'unknown field "type"' } });
    expect(await update(ann.token, { metadata: { big: 'x'.repeat(10_000) } })).toMatchObject({ status: 400 });
    const stranger = await ctx.newUser();
    expect((await update(stranger.token, { name: 'no' })).status).toBe(404);
    expect((await ctx.request('GET', `/api/channels/${channel.id}`, { token: ann.token })).body.name).toBe('by the admin');
  });

  it('lets an app admin moderate a channel it is not in, and nothing more', async () => {
    const { app, ann, carol, channel } = await channelOfThree();
    const admin = await adminOf(app);
    expect((await remove(admin.token, channel.id, carol.id)).status).toBe(200);
    expect((await setRole(admin.token, channel.id, ann.id, 'moderator')).status).toBe(409);
    expect((await ctx.request('GET', `/api/channels/${channel.id}/messages`, { token: admin.token })).status).toBe(403);
    // An admin of another app is a stranger here.
    const otherAdmin = await adminOf(await ctx.newApp());
    expect((await remove(otherAdmin.token, channel.id, ann.id)).status).toBe(404);
    // The role is the backend's to grant: a bad one is refused.
    const refused = await ctx.request('POST', '/api/auth/token', {
      body: { api_key: app.api_key, api_secret: app.api_secret, user_id: 'x', role: 'root' },
    });
    expect(refused).toMatchObject({ status: 400, body: { code: 'HEYYO_ERR_VALIDATION' } });
  });
});
