import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { ChannelsService } from '@heyyo/chat';
import { actorOf } from '../../plugins/auth.ts';
import { Confirmation, PageQuery } from '../shared.schemas.ts';
import {
  AddMemberBody,
  Channel,
  ChannelDetails,
  ChannelListItem,
  ChannelParams,
  CreateChannelBody,
  DiscoverChannel,
  MarkReadBody,
  MarkReadResult,
} from './channels.schemas.ts';

const page = (query: { limit?: number; offset?: number }) => ({ limit: query.limit ?? 100, offset: query.offset ?? 0 });

/** Channels and membership. Mounted behind the user-auth hook. */
export const channelsRoutes: FastifyPluginAsyncTypebox<{ channels: ChannelsService }> = async (app, { channels }) => {
  app.post(
    '/api/channels',
    { schema: { body: CreateChannelBody, response: { 201: Channel } } },
    async (request, reply) => reply.status(201).send(await channels.create(actorOf(request), request.body)),
  );

  app.get(
    '/api/channels',
    { schema: { querystring: PageQuery, response: { 200: Type.Array(ChannelListItem) } } },
    async (request) => channels.listMine(actorOf(request), page(request.query)),
  );

  app.get(
    '/api/channels/discover',
    { schema: { querystring: PageQuery, response: { 200: Type.Array(DiscoverChannel) } } },
    async (request) => channels.discover(actorOf(request), page(request.query)),
  );

  app.get(
    '/api/channels/:id',
    { schema: { params: ChannelParams, response: { 200: ChannelDetails } } },
    async (request) => channels.details(actorOf(request), request.params.id),
  );

  app.post(
    '/api/channels/:id/join',
    { schema: { params: ChannelParams, response: { 200: Confirmation } } },
    async (request) => {
      await channels.join(actorOf(request), request.params.id);
      return { message: 'Joined channel' };
    },
  );

  app.post(
    '/api/channels/:id/read',
    {
      schema: { params: ChannelParams, body: MarkReadBody, response: { 200: MarkReadResult } },
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
    { schema: { params: ChannelParams, body: AddMemberBody, response: { 200: Confirmation } } },
    async (request) => {
      await channels.addMember(actorOf(request), request.params.id, request.body.user_id);
      return { message: 'Member added' };
    },
  );
};
