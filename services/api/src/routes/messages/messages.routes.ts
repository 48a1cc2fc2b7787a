import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { Errors, type MessagesService } from '@heyyo/chat';
import { actorOf } from '../../plugins/auth.ts';
import { ChannelParams } from '../channels/channels.schemas.ts';
import { Confirmation } from '../shared.schemas.ts';
import {
  HistoryQuery,
  ListedMessage,
  Message,
  MessageParams,
  ReactionBody,
  ReactionParams,
  SendMessageBody,
} from './messages.schemas.ts';

export const MAX_PAGE = 100;

/** Message history, sending, deleting and reactions. Mounted behind the user-auth hook. */
export const messagesRoutes: FastifyPluginAsyncTypebox<{ messages: MessagesService }> = async (app, { messages }) => {
  app.get(
    '/api/channels/:id/messages',
    { schema: { params: ChannelParams, querystring: HistoryQuery, response: { 200: Type.Array(ListedMessage) } } },
    async (request) => {
      const { before, after_seq: afterSeq } = request.query;
      const limit = Math.min(request.query.limit ?? 50, MAX_PAGE);
      if (before !== undefined && afterSeq !== undefined) throw Errors.validation('Use either before or after_seq, not both');
      return messages.history(
        actorOf(request),
        request.params.id,
        afterSeq !== undefined ? { limit, afterSeq } : { limit, ...(before ? { before: new Date(before) } : {}) },
      );
    },
  );

  app.post(
    '/api/channels/:id/messages',
    { schema: { params: ChannelParams, body: SendMessageBody, response: { 201: Message } } },
    async (request, reply) => {
      const body = request.body;
      const { message, created } = await messages.send(actorOf(request), request.params.id, {
        text: body.text,
        attachments: body.attachments,
        metadata: body.metadata,
        parentId: body.parent_id,
        clientId: body.client_id,
      });
      // A retried client_id gets the original message back, marked as a replay.
      if (!created) reply.header('idempotent-replayed', 'true');
      return reply.status(201).send(message);
    },
  );

  app.delete(
    '/api/channels/:id/messages/:messageId',
    { schema: { params: MessageParams, response: { 200: Confirmation } } },
    async (request) => {
      await messages.delete(actorOf(request), request.params.id, request.params.messageId);
      return { message: 'Message deleted' };
    },
  );

  // Reactions are accepted here and applied by the worker, which announces them.
  app.post(
    '/api/channels/:id/messages/:messageId/reactions',
    { schema: { params: MessageParams, body: ReactionBody, response: { 200: Confirmation } } },
    async (request) => {
      const { id: channelId, messageId } = request.params;
      await messages.changeReaction(actorOf(request), 'add', { channelId, messageId, type: request.body.type });
      return { message: 'Reaction added' };
    },
  );

  app.delete(
    '/api/channels/:id/messages/:messageId/reactions/:type',
    { schema: { params: ReactionParams, response: { 200: Confirmation } } },
    async (request) => {
      const { id: channelId, messageId, type } = request.params;
      await messages.changeReaction(actorOf(request), 'remove', { channelId, messageId, type });
      return { message: 'Reaction removed' };
    },
  );
};
