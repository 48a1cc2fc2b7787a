import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  AddMemberRequest,
  Channel,
  ChannelDetails,
  ChannelListItem,
  ChannelParams,
  Confirmation,
  CreateChannelRequest,
  DiscoverChannel,
  MarkReadRequest,
  MarkReadResponse,
  MemberParams,
  PageQuery,
  UpdateChannelRequest,
  UpdateMemberRequest,
} from '@heyyo/contracts';
import type { ChannelsService } from '@heyyo/chat';
import { actorOf } from '../../plugins/auth.ts';
import { documented } from '../route-docs.ts';

const page = (query: { limit?: number; offset?: number }) => ({ limit: query.limit ?? 100, offset: query.offset ?? 0 });

/** Channels and membership. Mounted behind the user-auth hook. */
export const channelsRoutes: FastifyPluginAsyncTypebox<{ channels: ChannelsService }> = async (app, { channels }) => {
  app.post(
    '/api/channels',
    {
      schema: documented(
        {
          summary: 'Create a channel',
          description: 'The caller becomes its owner; `members` (internal user ids of the same app) join with them.',
          tag: 'Channels',
          auth: 'user',
          errors: [404],
        },
        { body: CreateChannelRequest, response: { 201: Channel } },
      ),
    },
    async (request, reply) => reply.status(201).send(await channels.create(actorOf(request), request.body)),
  );

  app.get(
    '/api/channels',
    {
      schema: documented(
        { summary: "List the caller's channels", description: 'With read state and unread counts.', tag: 'Channels', auth: 'user' },
        { querystring: PageQuery, response: { 200: Type.Array(ChannelListItem) } },
      ),
    },
    async (request) => channels.listMine(actorOf(request), page(request.query)),
  );

  app.get(
    '/api/channels/discover',
    {
      schema: documented(
        { summary: "Discover the app's channels", description: 'Each with whether the caller is a member.', tag: 'Channels', auth: 'user' },
        { querystring: PageQuery, response: { 200: Type.Array(DiscoverChannel) } },
      ),
    },
    async (request) => channels.discover(actorOf(request), page(request.query)),
  );

  app.get(
    '/api/channels/:id',
    {
      schema: documented(
        {
          summary: 'Get a channel with its members',
          description: '404 when the channel does not exist or the caller is not a member.',
          tag: 'Channels',
          auth: 'user',
          errors: [404],
        },
        { params: ChannelParams, response: { 200: ChannelDetails } },
      ),
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
          auth: 'user',
          errors: [400, 403, 404],
        },
        { params: ChannelParams, body: UpdateChannelRequest, response: { 200: Channel } },
      ),
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
          auth: 'user',
          errors: [403, 404],
        },
        { params: ChannelParams, response: { 200: Confirmation } },
      ),
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
        { summary: 'Add a member by internal user id', tag: 'Channels', auth: 'user', errors: [404] },
        { params: ChannelParams, body: AddMemberRequest, response: { 200: Confirmation } },
      ),
    },
    async (request) => {
      await channels.addMember(actorOf(request), request.params.id, request.body.user_id);
      return { message: 'Member added' };
    },
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
          auth: 'user',
          errors: [403, 404, 409],
        },
        { params: MemberParams, response: { 200: Confirmation } },
      ),
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
          auth: 'user',
          errors: [403, 404, 409],
        },
        { params: MemberParams, body: UpdateMemberRequest, response: { 200: Confirmation } },
      ),
    },
    async (request) => {
      await channels.setMemberRole(actorOf(request), request.params.id, request.params.userId, request.body.role);
      return { message: 'Member updated' };
    },
  );
};
