import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  AddMemberRequest,
  AppChannel,
  Channel,
  ChannelListQuery,
  ChannelDetails,
  ChannelListItem,
  ChannelParams,
  Confirmation,
  CreateChannelRequest,
  DiscoverChannel,
  MarkReadRequest,
  MarkReadResponse,
  MemberParams,
  MembersChanged,
  PageQuery,
  RemoveMembersRequest,
  UpdateChannelRequest,
  UpdateMemberRequest,
} from '@heyyo/contracts';
import { isServerActor, type ChannelsService, type UsersService } from '@heyyo/chat';
import { actorOf } from '../../plugins/auth.ts';
import { answerPage, listPage } from '../../plugins/paging.ts';
import { actingUser, refuseServerOnly, serverApi } from '../../plugins/server-api.ts';
import { documented, PAGED } from '../route-docs.ts';

/** Channels and membership. Mounted behind the user-or-app auth hook; user-only routes lack `serverApi`. */
export const channelsRoutes: FastifyPluginAsyncTypebox<{ channels: ChannelsService; users: UsersService }> = async (
  app,
  { channels, users },
) => {
  app.post(
    '/api/channels',
    {
      schema: documented(
        {
          summary: 'Create a channel',
          description:
            'The caller becomes its owner; `members` (internal user ids of the same app) join with them. With API credentials, ' +
            '`created_by` names the user who creates it (required), under the rules their token would meet.',
          tag: 'Channels',
          auth: 'user-or-app',
          errors: [404],
        },
        { body: CreateChannelRequest, response: { 201: Channel } },
      ),
      config: serverApi,
    },
    async (request, reply) => {
      const { created_by: createdBy, ...input } = request.body;
      const creator = await actingUser(actorOf(request), 'created_by', createdBy, users.actAs);
      return reply.status(201).send(await channels.create(creator, input));
    },
  );

  app.get(
    '/api/channels',
    {
      schema: documented(
        {
          summary: "List the caller's channels",
          description:
            'Most recently active first, with read state and unread counts. With API credentials: every channel of the app ' +
            '(AppChannel items, newest first), narrowed by `type`, `member` (a user id) and `name_prefix`. ' +
            PAGED,
          tag: 'Channels',
          auth: 'user-or-app',
          paged: true,
        },
        { querystring: ChannelListQuery, response: { 200: Type.Union([Type.Array(ChannelListItem), Type.Array(AppChannel)]) } },
      ),
      config: serverApi,
    },
    async (request, reply) => {
      const { type, member, name_prefix: namePrefix } = request.query;
      const caller = actorOf(request);
      refuseServerOnly(caller, { type, member, name_prefix: namePrefix });
      const page = listPage(request.query, 100);
      if (!isServerActor(caller)) return answerPage(request, reply, page, await channels.listMine(caller, page));
      return answerPage(request, reply, page, await channels.listForApp(caller.appId, { type, memberId: member, namePrefix }, page));
    },
  );

  app.get(
    '/api/channels/discover',
    {
      schema: documented(
        {
          summary: "Discover the app's channels",
          description: `Newest first, each with whether the caller is a member. ${PAGED}`,
          tag: 'Channels',
          auth: 'user',
          paged: true,
        },
        { querystring: PageQuery, response: { 200: Type.Array(DiscoverChannel) } },
      ),
    },
    async (request, reply) => {
      const page = listPage(request.query, 100);
      return answerPage(request, reply, page, await channels.discover(actorOf(request), page));
    },
  );

  app.get(
    '/api/channels/:id',
    {
      schema: documented(
        {
          summary: 'Get a channel with its members',
          description: '404 when the channel does not exist or the caller is not a member.',
          tag: 'Channels',
          auth: 'user-or-app',
          errors: [404],
        },
        { params: ChannelParams, response: { 200: ChannelDetails } },
      ),
      config: serverApi,
    },
    async (request) => channels.details(actorOf(request), request.params.id),
  );

  app.patch(
    '/api/channels/:id',
    {
      schema: documented(
        {
          summary: 'Update a channel',
          description:
            'Owners and app admins change `name`, `description`, `metadata` or `slow_mode_seconds` (at least one; omitted ones ' +
            'stay). Answers the channel as it is now, which its members also get as `channel.updated`. A new slow-mode interval ' +
            "applies on every node at once, from each member's next message.",
          tag: 'Channels',
          auth: 'user-or-app',
          errors: [400, 403, 404],
        },
        { params: ChannelParams, body: UpdateChannelRequest, response: { 200: Channel } },
      ),
      config: serverApi,
    },
    async (request) => {
      const { slow_mode_seconds: slowModeSeconds, ...changes } = request.body;
      return channels.update(actorOf(request), request.params.id, { ...changes, slowModeSeconds });
    },
  );

  app.delete(
    '/api/channels/:id',
    {
      schema: documented(
        {
          summary: 'Delete a channel',
          description:
            'Owners and app admins. Its members get `channel.deleted`, then every connection leaves its room on every gateway; ' +
            'from then on every read and write of it answers 404 on every node. The history is kept (export), not shown.',
          tag: 'Channels',
          auth: 'user-or-app',
          errors: [403, 404],
        },
        { params: ChannelParams, response: { 200: Confirmation } },
      ),
      config: serverApi,
    },
    async (request) => {
      await channels.delete(actorOf(request), request.params.id);
      return { message: 'Channel deleted' };
    },
  );

  app.post(
    '/api/channels/:id/join',
    {
      schema: documented(
        { summary: 'Join a channel', description: 'Idempotent; every connection of the caller joins the room.', tag: 'Channels', auth: 'user', errors: [404] },
        { params: ChannelParams, response: { 200: Confirmation } },
      ),
    },
    async (request) => {
      await channels.join(actorOf(request), request.params.id);
      return { message: 'Joined channel' };
    },
  );

  app.post(
    '/api/channels/:id/leave',
    {
      schema: documented(
        {
          summary: 'Leave a channel',
          description:
            "Every connection of the caller leaves the room on every gateway, and the channel's members and the caller's own " +
            'connections get `member.left`. Idempotent: leaving a channel you are not in changes nothing. The last owner of a ' +
            'channel that has other members cannot leave (409 `HEYYO_ERR_LAST_OWNER`).',
          tag: 'Channels',
          auth: 'user',
          errors: [404, 409],
        },
        { params: ChannelParams, response: { 200: Confirmation } },
      ),
    },
    async (request) => {
      await channels.leave(actorOf(request), request.params.id);
      return { message: 'Left channel' };
    },
  );

  app.post(
    '/api/channels/:id/read',
    {
      schema: documented(
        {
          summary: 'Mark a channel read',
          description: "Up to `seq`, or to the newest message without a body. The caller's other connections get `channel.read`.",
          tag: 'Channels',
          auth: 'user',
          errors: [404],
        },
        { params: ChannelParams, body: MarkReadRequest, response: { 200: MarkReadResponse } },
      ),
      // The body is optional: none means "read up to the newest message".
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request) => {
      const state = await channels.markRead(actorOf(request), request.params.id, request.body.seq);
      return { message: 'Channel marked read', last_read_seq: state.lastReadSeq, unread_count: state.unreadCount };
    },
  );

  app.post(
    '/api/channels/:id/members',
    {
      schema: documented(
        {
          summary: 'Add members by internal user id',
          description:
            '`user_id`, or `user_ids` (at most 100). Every user is checked before anyone is added; adding a member twice ' +
            'changes nothing. Each new member gets `member.joined`. For `user_ids`, `changed` lists who joined and `unchanged` ' +
            'who was in already.',
          tag: 'Channels',
          auth: 'user-or-app',
          errors: [403, 404],
        },
        { params: ChannelParams, body: AddMemberRequest, response: { 200: Type.Union([Confirmation, MembersChanged]) } },
      ),
      config: serverApi,
    },
    async (request) => {
      if (!('user_ids' in request.body)) {
        await channels.addMembers(actorOf(request), request.params.id, [request.body.user_id]);
        return { message: 'Member added' };
      }
      return { message: 'Members added', ...(await channels.addMembers(actorOf(request), request.params.id, request.body.user_ids)) };
    },
  );

  app.post(
    '/api/channels/:id/members/remove',
    {
      schema: documented(
        {
          summary: 'Remove several members',
          description:
            'As `DELETE /api/channels/:id/members/:userId` for each of `user_ids` (at most 100), checked before anyone is ' +
            'removed; users not in the channel are listed as `unchanged`, so a retry is harmless.',
          tag: 'Channels',
          auth: 'user-or-app',
          errors: [403, 404, 409],
        },
        { params: ChannelParams, body: RemoveMembersRequest, response: { 200: MembersChanged } },
      ),
      config: serverApi,
    },
    async (request) => ({
      message: 'Members removed',
      ...(await channels.removeMembers(actorOf(request), request.params.id, request.body.user_ids)),
    }),
  );

  app.delete(
    '/api/channels/:id/members/:userId',
    {
      schema: documented(
        {
          summary: 'Remove a member',
          description:
            "Moderators, owners and app admins; only an owner or an app admin removes an owner. The member's connections leave " +
            'the room on every gateway and their reads and sends are refused on every node within a second; the channel and the ' +
            'removed user get `member.removed`. 409 `HEYYO_ERR_LAST_OWNER` for the last owner of a channel with other members.',
          tag: 'Channels',
          auth: 'user-or-app',
          errors: [403, 404, 409],
        },
        { params: MemberParams, response: { 200: Confirmation } },
      ),
      config: serverApi,
    },
    async (request) => {
      await channels.removeMember(actorOf(request), request.params.id, request.params.userId);
      return { message: 'Member removed' };
    },
  );

  app.patch(
    '/api/channels/:id/members/:userId',
    {
      schema: documented(
        {
          summary: "Change a member's role",
          description:
            'Owners and app admins set `owner`, `moderator` or `member`; the channel gets `member.updated`. 409 ' +
            '`HEYYO_ERR_LAST_OWNER` when it would leave the channel without an owner.',
          tag: 'Channels',
          auth: 'user-or-app',
          errors: [403, 404, 409],
        },
        { params: MemberParams, body: UpdateMemberRequest, response: { 200: Confirmation } },
      ),
      config: serverApi,
    },
    async (request) => {
      await channels.setMemberRole(actorOf(request), request.params.id, request.params.userId, request.body.role);
      return { message: 'Member updated' };
    },
  );
};
