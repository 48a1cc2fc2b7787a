/**
 * A stand-in for HeyyoClient in the kit's unit tests: the calls the store makes, answered from
 * fixtures, and `emit()` to play server events. The real client runs in the browser tests.
 */
import type { ChannelListItem, ChannelMember, ClientEvents, HeyyoClient, ListedMessage, Message } from '@heyyo/sdk';

export const ME = '00000000-0000-4000-8000-00000000000a';
export const OTHER = '00000000-0000-4000-8000-00000000000b';

export function channelItem(id: string, extra: Partial<ChannelListItem> = {}): ChannelListItem {
  return {
    id,
    name: id,
    type: 'messaging',
    description: null,
    metadata: {},
    role: 'member',
    member_count: 2,
    message_count: 0,
    last_message_at: null,
    last_read_seq: 0,
    unread_count: 0,
    last_seq: 0,
    slow_mode_seconds: 0,
    created_at: '2026-11-30T09:00:00.000Z',
    updated_at: '2026-11-30T09:00:00.000Z',
    ...extra,
  };
}

export function serverMessage(channelId: string, seq: number, userId: string, extra: Partial<Message> = {}): Message {
  return {
    id: `${channelId}-m${seq}`,
    channel_id: channelId,
    user_id: userId,
    seq,
    text: `message ${seq}`,
    attachments: [],
    metadata: {},
    parent_id: null,
    client_id: null,
    created_at: new Date(Date.UTC(2026, 10, 30, 9, seq)).toISOString(),
    updated_at: new Date(Date.UTC(2026, 10, 30, 9, seq)).toISOString(),
    deleted_at: null,
    edited_at: null,
    reply_count: 0,
    last_reply_at: null,
    pinned_at: null,
    pinned_by: null,
    user: { external_id: userId === ME ? 'me' : 'other', display_name: userId === ME ? 'Me' : 'Other', avatar_url: null },
    ...extra,
  };
}

/** `serverMessage` as a history page lists it (its author flattened, no reactions yet). */
export function listedMessage(channelId: string, seq: number, userId: string, extra: Partial<Message> = {}): ListedMessage {
  const { user, ...message } = serverMessage(channelId, seq, userId, extra);
  return {
    ...message,
    user_external_id: user.external_id,
    user_display_name: user.display_name,
    user_avatar_url: user.avatar_url,
    reactions: [],
    reaction_counts: {},
  };
}

export class FakeClient {
  private readonly handlers = new Map<string, Set<(payload: unknown) => void>>();
  connected = true;
  channelList: ChannelListItem[] = [];
  /** Pages by channel id (history) or by parent message id (a thread's replies). */
  history: Record<string, ListedMessage[]> = {};
  readonly sent: { channelId: string; text: string | null; clientId: string | undefined }[] = [];
  /** What the next send does: resolve with the stored message, throw, or wait for `release()`. */
  sendBehaviour: 'store' | 'fail' | 'hold' = 'store';
  release: () => void = () => undefined;
  readonly markedRead: string[] = [];
  /** Members by channel id, as `channels.get` answers; and the channels it was asked for. */
  members: Record<string, ChannelMember[]> = {};
  readonly detailsRead: string[] = [];
  readonly edited: { messageId: string; text: string }[] = [];

  on(event: string, handler: (payload: unknown) => void) {
    (this.handlers.get(event) ?? this.handlers.set(event, new Set()).get(event)!).add(handler);
    return this;
  }
  off(event: string, handler: (payload: unknown) => void) {
    this.handlers.get(event)?.delete(handler);
    return this;
  }
  emit<E extends keyof ClientEvents>(event: E, payload: Parameters<ClientEvents[E]>[0]) {
    for (const handler of this.handlers.get(event) ?? []) handler(payload);
  }
  listenerCount() {
    return [...this.handlers.values()].reduce((sum, set) => sum + set.size, 0);
  }

  auth = { verify: async () => ({ valid: true as const, user_id: ME, external_id: 'me', app_id: 'app', role: 'user' as const, exp: 0 }) };
  channels = {
    list: async () => ({ items: this.channelList, page: 1, limit: 100, total: this.channelList.length, totalPages: 1 }),
    get: async (id: string) => {
      this.detailsRead.push(id);
      return { ...this.channelList.find((c) => c.id === id)!, members: this.members[id] ?? [] };
    },
    markRead: async (channelId: string) => {
      this.markedRead.push(channelId);
      const channel = this.channelList.find((c) => c.id === channelId)!;
      return { channelId, lastReadSeq: channel.last_seq, unreadCount: 0 };
    },
  };
  messages = {
    list: async (channelId: string) => this.history[channelId] ?? [],
    replies: async (_channelId: string, parentId: string) => this.history[parentId] ?? [],
    update: async (channelId: string, messageId: string, text: string) => {
      this.edited.push({ messageId, text });
      return { ...serverMessage(channelId, Number(messageId.split('-m')[1]), ME), text, edited_at: '2026-11-30T10:00:00.000Z' };
    },
    send: async (channelId: string, text: string | null, options: { clientId?: string }) => {
      this.sent.push({ channelId, text, clientId: options.clientId });
      if (this.sendBehaviour === 'fail') throw new Error('Service unavailable');
      if (this.sendBehaviour === 'hold') await new Promise<void>((resolve) => (this.release = resolve));
      return serverMessage(channelId, 100 + this.sent.length, ME, { text, client_id: options.clientId ?? null });
    },
  };
  reactions = { add: async () => undefined, remove: async () => undefined };
  readonly typingSent: string[] = [];
  typing = {
    start: (channelId: string) => this.typingSent.push(`start ${channelId}`),
    stop: (channelId: string) => this.typingSent.push(`stop ${channelId}`),
  };
  connect = async () => undefined;
  disconnect = () => undefined;

  asClient(): HeyyoClient {
    return this as unknown as HeyyoClient;
  }
}
