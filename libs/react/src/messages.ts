/** The kit's one message shape, whatever the SDK delivered it as (Message, ListedMessage, a change). */
import type { Attachment, ListedMessage, Message } from '@heyyo/sdk';

export interface ChatMessage {
  id: string;
  channelId: string;
  userId: string;
  seq: number;
  text: string | null;
  attachments: Attachment[];
  parentId: string | null;
  clientId: string | null;
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
  replyCount: number;
  lastReplyAt: string | null;
  pinnedAt: string | null;
  author: { externalId: string; displayName: string | null; avatarUrl: string | null };
  /** Who reacted, by reaction type (one entry per user, so a replayed event changes nothing). */
  reactions: Record<string, string[]>;
}

/** A message of this client that the server has not stored yet (optimistic), or refused. */
export interface PendingMessage {
  clientId: string;
  channelId: string;
  parentId: string | null;
  text: string;
  attachments: Attachment[];
  createdAt: string;
  status: 'sending' | 'failed';
  error: string | null;
}

const isListed = (message: Message | ListedMessage): message is ListedMessage => 'reactions' in message;

/** Reactions as type → user ids, from a history page's one entry per (type, user). */
function reactionsOf(message: Message | ListedMessage): Record<string, string[]> {
  if (!isListed(message)) return {};
  const byType: Record<string, string[]> = {};
  for (const { type, user_id } of message.reactions) (byType[type] ??= []).push(user_id);
  return byType;
}

/** A server message as the kit holds it; `previous` keeps reactions a `message.updated` does not carry. */
export function toChatMessage(message: Message | ListedMessage, previous?: ChatMessage): ChatMessage {
  const author = isListed(message)
    ? { externalId: message.user_external_id, displayName: message.user_display_name, avatarUrl: message.user_avatar_url }
    : { externalId: message.user.external_id, displayName: message.user.display_name, avatarUrl: message.user.avatar_url };
  return {
    id: message.id,
    channelId: message.channel_id,
    userId: message.user_id,
    seq: message.seq,
    text: message.text,
    attachments: message.attachments,
    parentId: message.parent_id,
    clientId: message.client_id,
    createdAt: message.created_at,
    editedAt: message.edited_at,
    deletedAt: message.deleted_at,
    replyCount: message.reply_count,
    lastReplyAt: message.last_reply_at,
    pinnedAt: message.pinned_at,
    author,
    reactions: isListed(message) ? reactionsOf(message) : (previous?.reactions ?? {}),
  };
}

/** A copy of `reactions` with `userId`'s `type` added or removed (unchanged when it already is so). */
export function withReaction(reactions: Record<string, string[]>, type: string, userId: string, present: boolean): Record<string, string[]> {
  const users = reactions[type] ?? [];
  if (users.includes(userId) === present) return reactions;
  const next = { ...reactions, [type]: present ? [...users, userId] : users.filter((id) => id !== userId) };
  if (next[type]!.length === 0) delete next[type];
  return next;
}

/**
 * `messages` (in seq order) with `incoming` merged in by seq: new ones inserted in place, known
 * ones replaced. Usually an append, so it checks the end first.
 */
export function mergeBySeq(messages: ChatMessage[], incoming: ChatMessage[]): ChatMessage[] {
  if (incoming.length === 0) return messages;
  const last = messages.at(-1);
  const sorted = [...incoming].sort((a, b) => a.seq - b.seq);
  if (!last || sorted[0]!.seq > last.seq) return dedupeSorted([...messages, ...sorted]);
  const bySeq = new Map(messages.map((message) => [message.seq, message]));
  for (const message of sorted) bySeq.set(message.seq, message);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

function dedupeSorted(messages: ChatMessage[]): ChatMessage[] {
  return messages.filter((message, index) => index === 0 || messages[index - 1]!.seq !== message.seq);
}

/** The display name of an author: their name, else their external id. */
export const nameOf = (author: ChatMessage['author']) => author.displayName || author.externalId;
