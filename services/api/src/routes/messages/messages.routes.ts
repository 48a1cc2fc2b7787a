import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from '@sinclair/typebox';
import {
  ChannelParams,
  Confirmation,
  EditMessageRequest,
  HistoryQuery,
  ListedMessage,
  MAX_HISTORY_PAGE,
  MAX_SYNC_PAGE,
  Message,
  MessageParams,
  PageQuery,
  ReactionParams,
  ReactionRequest,
  RepliesQuery,
  SendMessageRequest,
  SyncQuery,
  SyncResult,
} from '@heyyo/contracts';
import { Errors, type MessagesService, type UsersService } from '@heyyo/chat';
import type { WriteBudget } from '@heyyo/realtime';
import { actorOf } from '../../plugins/auth.ts';
import { listPage, sendListTotals } from '../../plugins/paging.ts';
import { actingUser, serverApi } from '../../plugins/server-api.ts';
import { spendWrite, spendWriteBudget } from '../../plugins/write-budget.ts';
import { documented, PAGED } from '../route-docs.ts';

export interface MessagesRoutesOptions {
  messages: MessagesService;
  /** Spent by sends and reaction changes, shared with the user's sockets. */
  writeBudget: WriteBudget;
  /** Whom the server API sends as. */
  users: Pick<UsersService, 'actAs'>;
}

/** JSON text rendered by Postgres: Fastify sends a string as it is, unserialized. */
const sendJsonText = (reply: FastifyReply, json: string) =>
  reply.type('application/json; charset=utf-8').send(json as unknown as ListedMessage[]);

/** Message history, threads, pins, sending, deleting and reactions. Mounted behind the user-auth hook. */
export const messagesRoutes: FastifyPluginAsyncTypebox<MessagesRoutesOptions> = async (app, { messages, writeBudget, users }) => {
  const preHandler = spendWriteBudget(writeBudget);
  app.get(
    '/api/channels/:id/messages',
    {
      schema: documented(
        {
          summary: "List a channel's messages",
          description:
            'Newest page first, `limit` (default 50, max 100) per page, each page oldest first; page back with `before` (the ' +
            'oldest `created_at` you hold), or number the pages with `page` (or `offset`). Or catch up with `after_seq`: ' +
            'messages after that seq in seq order, deleted ones as tombstones. `X-Total-Count` is the live messages of the ' +
            'channel; `Link` names numbered pages. With API credentials: any channel of the app.',
          tag: 'Messages',
          auth: 'user-or-app',
          paged: true,
          errors: [404, 410],
        },
        { params: ChannelParams, querystring: HistoryQuery, response: { 200: Type.Array(ListedMessage) } },
      ),
      config: serverApi,
    },
    async (request, reply) => {
      const { before, after_seq: afterSeq } = request.query;
      const limit = Math.min(request.query.limit ?? 50, MAX_HISTORY_PAGE);
      const page = listPage({ ...request.query, limit }, limit);
      const numbered = request.query.offset !== undefined || request.query.page !== undefined;
      if (before !== undefined && afterSeq !== undefined) throw Errors.validation('Use either before or after_seq, not both');
      if (numbered && (before !== undefined || afterSeq !== undefined)) {
        throw Errors.validation('Use either page (or offset) or a cursor (before, after_seq), not both');
      }
      const window =
        afterSeq !== undefined
          ? { limit, afterSeq }
          : numbered
            ? { limit, offset: page.offset }
            : { limit, ...(before ? { before: new Date(before) } : {}) };
      const rendered = await messages.historyJson(actorOf(request), request.params.id, window);
      sendListTotals(request, reply, page, rendered.total);
      return sendJsonText(reply, rendered.json);
    },
  );

  app.get(
    '/api/channels/:id/sync',
    {
      schema: documented(
        {
          summary: 'Catch up on a channel: the changes after a version, then the messages after a seq',
          description:
            'The `messages.sync` socket event over REST, with the same answer. With `after_version` (the `version` of ' +
            'your last sync), first the changes since: messages of seq ≤ `after_seq` changed since (each once, as it ' +
            'is now: `message.updated` or `message.deleted`) and every other change as its event had it (reactions, ' +
            'members, channel updates), in version order. Then up to `limit` messages after `after_seq`, deleted ones ' +
            'as tombstones. Ask again with the last seq and the `version` answered while `hasMore`. Without ' +
            '`after_version`: no changes, only the version to start from. 410 `HEYYO_ERR_RESYNC_REQUIRED` when too ' +
            'far behind (1,000 messages or 10,000 versions): reload the history.',
          tag: 'Messages',
          auth: 'user',
          errors: [403, 404, 410],
        },
        { params: ChannelParams, querystring: SyncQuery, response: { 200: SyncResult } },
      ),
    },
    async (request) => {
      const { after_seq: afterSeq, after_version: afterVersion, limit } = request.query;
      return messages.sync(actorOf(request), request.params.id, {
        afterSeq,
        ...(afterVersion === undefined ? {} : { afterVersion }),
        limit: limit ?? MAX_SYNC_PAGE,
      });
    },
  );

  app.get(
    '/api/channels/:id/messages/:messageId/replies',
    {
      schema: documented(
        {
          summary: "List a thread's replies",
          description:
            'The live replies to the message, paged like the history: the newest `limit` (default 50, max 100), oldest ' +
            'first; page back with `before` (the oldest `created_at` you hold) or `page` (or `offset`). Replies are in the ' +
            'channel history too. `X-Total-Count` is the live replies. With API credentials: any channel of the app.',
          tag: 'Messages',
          auth: 'user-or-app',
          paged: true,
          errors: [404],
        },
        { params: MessageParams, querystring: RepliesQuery, response: { 200: Type.Array(ListedMessage) } },
      ),
      config: serverApi,
    },
    async (request, reply) => {
      const { before } = request.query;
      const limit = Math.min(request.query.limit ?? 50, MAX_HISTORY_PAGE);
      const page = listPage({ ...request.query, limit }, limit);
      if (before !== undefined && page.offset > 0) throw Errors.validation('Use either before or page (or offset), not both');
      const rendered = await messages.repliesJson(actorOf(request), request.params.id, request.params.messageId, {
        limit,
        ...(before ? { before: new Date(before) } : { offset: page.offset }),
      });
      sendListTotals(request, reply, page, rendered.total);
      return sendJsonText(reply, rendered.json);
    },
  );

  app.get(
    '/api/channels/:id/pins',
    {
      schema: documented(
        {
          summary: "List a channel's pinned messages",
          description: `Newest pin first, \`limit\` default 100, max 200. ${PAGED} With API credentials: any channel of the app.`,
          tag: 'Messages',
          auth: 'user-or-app',
          paged: true,
          errors: [404],
        },
        { params: ChannelParams, querystring: PageQuery, response: { 200: Type.Array(ListedMessage) } },
      ),
      config: serverApi,
    },
    async (request, reply) => {
      const page = listPage(request.query, 100);
      const rendered = await messages.pinsJson(actorOf(request), request.params.id, page);
      sendListTotals(request, reply, page, rendered.total);
      return sendJsonText(reply, rendered.json);
    },
  );

  app.post(
    '/api/channels/:id/messages/:messageId/pin',
    {
      schema: documented(
        {
          summary: 'Pin a message',
          description:
            'Owners, moderators and app admins. Answers the message as it is now (`pinned_at`, `pinned_by` set); the channel ' +
            'gets `message.pinned`. Pinning a pinned message changes and announces nothing. A missing or deleted message is a 404.',
          tag: 'Messages',
          auth: 'user',
          errors: [403, 404],
        },
        { params: MessageParams, response: { 200: Message } },
      ),
    },
    async (request) => messages.setPinned(actorOf(request), request.params.id, request.params.messageId, true),
  );

  app.delete(
    '/api/channels/:id/messages/:messageId/pin',
    {
      schema: documented(
        {
          summary: 'Unpin a message',
          description:
            'Owners, moderators and app admins. Answers the message as it is now (`pinned_at` null); the channel gets ' +
            '`message.unpinned`. Unpinning a message that is not pinned changes and announces nothing. A missing or deleted ' +
            'message is a 404.',
          tag: 'Messages',
          auth: 'user',
          errors: [403, 404],
        },
        { params: MessageParams, response: { 200: Message } },
      ),
    },
    async (request) => messages.setPinned(actorOf(request), request.params.id, request.params.messageId, false),
  );

  app.post(
    '/api/channels/:id/messages',
    {
      schema: documented(
        {
          summary: 'Send a message',
          description:
            'Answers once the message is committed; members get `message.new`. A retry with the same `client_id` gets ' +
            'the original message back with the header `idempotent-replayed: true`. With API credentials, `user_id` names ' +
            'the member who sends it (required), under the rules and write budget their token would meet.',
          tag: 'Messages',
          auth: 'user-or-app',
          errors: [403, 404],
        },
        { params: ChannelParams, body: SendMessageRequest, response: { 201: Message } },
      ),
      config: serverApi,
    },
    async (request, reply) => {
      const body = request.body;
      const sender = await actingUser(actorOf(request), 'user_id', body.user_id, users.actAs);
      await spendWrite(writeBudget, sender);
      const { message, created } = await messages.send(sender, request.params.id, {
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

  app.patch(
    '/api/channels/:id/messages/:messageId',
    {
      schema: documented(
        {
          summary: 'Edit your message',
          description:
            'The new `text`, and `attachments` or `metadata` when given (omitted: they stay), under the limits of a send. Answers ' +
            "the message as it is now with `edited_at` set; members get `message.updated`. Another user's message is a 404.",
          tag: 'Messages',
          auth: 'user',
          errors: [400, 404, 429],
        },
        { params: MessageParams, body: EditMessageRequest, response: { 200: Message } },
      ),
      preHandler,
    },
    async (request) => messages.edit(actorOf(request), request.params.id, request.params.messageId, request.body),
  );

  app.delete(
    '/api/channels/:id/messages/:messageId',
    {
      schema: documented(
        {
          summary: 'Delete your message',
          description:
            "It keeps its seq as a tombstone; members get `message.deleted`. Another user's message is a 404, but for the " +
            "channel's moderators, app admins, and API credentials (any message of the app).",
          tag: 'Messages',
          auth: 'user-or-app',
          errors: [404],
        },
        { params: MessageParams, response: { 200: Confirmation } },
      ),
      config: serverApi,
    },
    async (request) => {
      await messages.delete(actorOf(request), request.params.id, request.params.messageId);
      return { message: 'Message deleted' };
    },
  );

  // Reactions are accepted here and applied by the worker, which announces them.
  app.post(
    '/api/channels/:id/messages/:messageId/reactions',
    {
      schema: documented(
        {
          summary: 'Add a reaction',
          description: 'Accepted once queued; applied by the worker, which announces `reaction.new`. A duplicate is ignored.',
          tag: 'Reactions',
          auth: 'user',
          errors: [404],
        },
        { params: MessageParams, body: ReactionRequest, response: { 200: Confirmation } },
      ),
      preHandler,
    },
    async (request) => {
      const { id: channelId, messageId } = request.params;
      await messages.changeReaction(actorOf(request), 'add', { channelId, messageId, type: request.body.type });
      return { message: 'Reaction added' };
    },
  );

  app.delete(
    '/api/channels/:id/messages/:messageId/reactions/:type',
    {
      schema: documented(
        {
          summary: 'Remove a reaction',
          description: 'The type URL-encoded (`:heart:` as `%3Aheart%3A`); announced as `reaction.deleted` once applied.',
          tag: 'Reactions',
          auth: 'user',
          errors: [404],
        },
        { params: ReactionParams, response: { 200: Confirmation } },
      ),
      preHandler,
    },
    async (request) => {
      const { id: channelId, messageId, type } = request.params;
      await messages.changeReaction(actorOf(request), 'remove', { channelId, messageId, type });
      return { message: 'Reaction removed' };
    },
  );
};
