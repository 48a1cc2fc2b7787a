import type { Message } from '@heyyo/contracts';

/** A thread's parent as you hold it: from the history (ListedMessage) or an event (Message). */
type Parent = Pick<Message, 'id' | 'reply_count' | 'last_reply_at'>;

/**
 * The parent with a new reply counted. A reply is announced once, as `message.new` with its
 * `parent_id`, and the server sends no event for the parent: apply each one you receive to the
 * parent you hold. Idempotent: a reply the parent already counts (you read the parent, or got its
 * `message.updated`, after the reply was stored) is not counted again — it is one whose
 * `created_at` is not after the parent's `last_reply_at`, the newest live reply's, since
 * `created_at` only grows within a channel. Any other message leaves `parent` as it is.
 */
export function applyReply<P extends Parent>(parent: P, reply: Pick<Message, 'parent_id' | 'created_at' | 'deleted_at'>): P {
  if (reply.parent_id !== parent.id || reply.deleted_at !== null) return parent;
  if (parent.last_reply_at !== null && Date.parse(reply.created_at) <= Date.parse(parent.last_reply_at)) return parent;
  return { ...parent, reply_count: parent.reply_count + 1, last_reply_at: reply.created_at };
}
