/**
 * The kit's state over one HeyyoClient: channels, messages, threads, typing, presence and the
 * connection, kept current by the client's events. Framework-free (React reads it through
 * useSyncExternalStore): every change replaces the slices it touches, so an unchanged slice keeps
 * its identity and components that read only it do not re-render.
 */
import { applyReply } from '@heyyo/sdk';
import type {
  Attachment,
  ChannelDetails,
  ChannelListItem,
  ClientEvents,
  ConnectionState,
  DiscoverChannel,
  HeyyoClient,
  Message,
} from '@heyyo/sdk';
import { mergeBySeq, toChatMessage, withReaction, type ChatMessage, type PendingMessage } from './messages.ts';

/** A page of history or of a thread's replies. */
export const PAGE_SIZE = 50;
/** Channels up to this many members get their members loaded with the list (online dots). */
const SMALL_CHANNEL = 50;
/** A typing indicator without its typing.stop (a lost event, a closed tab) ends after this. */
const TYPING_TIMEOUT_MS = 6000;

export interface ChannelSummary extends ChannelListItem {
  /** The newest message the client has seen (live or loaded), for the preview. */
  lastMessage: ChatMessage | null;
}

export interface MessageList {
  /** Top-level messages in seq order (replies live in their thread). */
  messages: ChatMessage[];
  pending: PendingMessage[];
  /** The newest page was loaded: live messages extend it from then on. */
  loaded: boolean;
  hasOlder: boolean;
  loading: boolean;
  error: string | null;
}

export interface ThreadState {
  replies: ChatMessage[];
  pending: PendingMessage[];
  hasOlder: boolean;
  loading: boolean;
}

export interface TypingUser {
  userId: string;
  name: string;
  until: number;
}

/** `caughtUp`: connected again after a reconnect, every missed message delivered. */
export type ConnectionStatus = ConnectionState | 'offline';

export interface ChatState {
  me: { id: string; externalId: string } | null;
  connection: { state: ConnectionStatus; everConnected: boolean; caughtUpAt: number | null };
  channels: { byId: Record<string, ChannelSummary>; loaded: boolean; error: string | null };
  details: Record<string, ChannelDetails>;
  lists: Record<string, MessageList>;
  threads: Record<string, ThreadState>;
  typing: Record<string, TypingUser[]>;
  online: Record<string, boolean>;
  /** Display names learnt from messages and members, for typing indicators. */
  names: Record<string, string>;
}

const emptyList = (): MessageList => ({ messages: [], pending: [], loaded: false, hasOlder: false, loading: false, error: null });
const emptyThread = (): ThreadState => ({ replies: [], pending: [], hasOlder: false, loading: false });
const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));
const newClientId = () =>
  globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

type Handlers = { [E in keyof ClientEvents]?: ClientEvents[E] };

export class ChatStore {
  private state: ChatState = {
    me: null,
    connection: { state: 'disconnected', everConnected: false, caughtUpAt: null },
    channels: { byId: {}, loaded: false, error: null },
    details: {},
    lists: {},
    threads: {},
    typing: {},
    online: {},
    names: {},
  };
  private readonly listeners = new Set<() => void>();
  private handlers: Handlers = {};
  private typingTimer: ReturnType<typeof setInterval> | undefined;
  private started = false;

  constructor(readonly client: HeyyoClient) {}

  getState = (): ChatState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private update(change: (state: ChatState) => Partial<ChatState>): void {
    this.state = { ...this.state, ...change(this.state) };
    for (const listener of this.listeners) listener();
  }

  /** Listens to the client, learns who the user is and loads the channel list. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.handlers = this.eventHandlers();
    for (const [event, handler] of Object.entries(this.handlers)) this.client.on(event as keyof ClientEvents, handler as never);
    this.typingTimer = setInterval(() => this.expireTyping(), 1000);
    globalThis.addEventListener?.('online', this.onNetwork);
    globalThis.addEventListener?.('offline', this.onNetwork);
    void this.client.auth.verify().then(
      (me) => this.update(() => ({ me: { id: me.user_id, externalId: me.external_id } })),
      () => undefined, // The channel list reports a bad token; nothing to add here.
    );
    void this.loadChannels();
  }

  stop(): void {
    if (!this.started) return;
    this.started = false;
    for (const [event, handler] of Object.entries(this.handlers)) this.client.off(event as keyof ClientEvents, handler as never);
    clearInterval(this.typingTimer);
    globalThis.removeEventListener?.('online', this.onNetwork);
    globalThis.removeEventListener?.('offline', this.onNetwork);
  }

  private onNetwork = () => {
    const offline = globalThis.navigator?.onLine === false;
    this.update((s) => ({
      connection: { ...s.connection, state: offline ? 'offline' : this.client.connected ? 'connected' : 'reconnecting' },
    }));
  };

  // ── Channels ────────────────────────────────────────────────────────────────────────

  async loadChannels(): Promise<void> {
    try {
      const { items: channels } = await this.client.channels.list({ limit: 100 });
      this.update((s) => ({
        channels: {
          loaded: true,
          error: null,
          byId: Object.fromEntries(
            channels.map((channel) => [channel.id, { ...channel, lastMessage: s.channels.byId[channel.id]?.lastMessage ?? null }]),
          ),
        },
      }));
      void this.loadPreviews(channels.map((channel) => channel.id));
      void this.loadSmallChannelMembers(channels);
    } catch (error) {
      this.update((s) => ({ channels: { ...s.channels, loaded: true, error: errorText(error) } }));
    }
  }

  /** The newest message of channels that have messages but no preview yet (the first 20). */
  private async loadPreviews(channelIds: string[]): Promise<void> {
    const wanted = channelIds
      .filter((id) => {
        const channel = this.state.channels.byId[id];
        return channel && !channel.lastMessage && channel.last_seq > 0;
      })
      .slice(0, 20);
    await Promise.all(
      wanted.map(async (channelId) => {
        const [newest] = await this.client.messages.list(channelId, { limit: 1 }).catch(() => []);
        if (newest && !newest.parent_id) this.notePreview(toChatMessage(newest));
      }),
    );
  }

  /**
   * Members (and who is online) of the first small channels, for the list's online dots: the
   * server's presence events only say what changes. Big channels are skipped — their member lists
   * are long, and someone is always online there.
   */
  private async loadSmallChannelMembers(channels: ChannelListItem[]): Promise<void> {
    const small = channels.filter((channel) => channel.member_count <= SMALL_CHANNEL && !this.state.details[channel.id]).slice(0, 20);
    await Promise.all(small.map((channel) => this.loadDetails(channel.id).catch(() => undefined)));
  }

  private notePreview(message: ChatMessage): void {
    this.updateChannel(message.channelId, (channel) =>
      channel.lastMessage && channel.lastMessage.seq > message.seq ? channel : { ...channel, lastMessage: message },
    );
  }

  private updateChannel(channelId: string, change: (channel: ChannelSummary) => ChannelSummary): void {
    const channel = this.state.channels.byId[channelId];
    if (!channel) return;
    const next = change(channel);
    if (next === channel) return;
    this.update((s) => ({ channels: { ...s.channels, byId: { ...s.channels.byId, [channelId]: next } } }));
  }

  private dropChannel(channelId: string): void {
    if (!this.state.channels.byId[channelId]) return;
    this.update((s) => {
      const { [channelId]: _dropped, ...byId } = s.channels.byId;
      const { [channelId]: _list, ...lists } = s.lists;
      return { channels: { ...s.channels, byId }, lists };
    });
  }

  async createChannel(name: string, options: { description?: string; members?: string[] } = {}): Promise<string> {
    const channel = await this.client.channels.create(name, { type: 'messaging', ...options });
    await this.loadChannels();
    return channel.id;
  }

  async discover(): Promise<DiscoverChannel[]> {
    return (await this.client.channels.discover({ limit: 50 })).items;
  }

  async joinChannel(channelId: string): Promise<void> {
    await this.client.channels.join(channelId);
    await this.loadChannels();
  }

  async leaveChannel(channelId: string): Promise<void> {
    await this.client.channels.leave(channelId);
    this.dropChannel(channelId);
  }

  /** The channel's details (members, who is online), refreshed on each call. */
  async loadDetails(channelId: string): Promise<void> {
    const details = await this.client.channels.get(channelId);
    this.update((s) => ({
      details: { ...s.details, [channelId]: details },
      online: { ...s.online, ...Object.fromEntries(details.members.map((member) => [member.id, member.is_online])) },
      names: {
        ...s.names,
        ...Object.fromEntries(details.members.map((member) => [member.id, member.display_name || member.external_id])),
      },
    }));
  }

  // ── Messages ────────────────────────────────────────────────────────────────────────

  private setList(channelId: string, change: (list: MessageList) => MessageList): void {
    this.update((s) => ({ lists: { ...s.lists, [channelId]: change(s.lists[channelId] ?? emptyList()) } }));
  }

  /** Loads the newest page the first time a channel is shown (again after a `reset`). */
  async openChannel(channelId: string): Promise<void> {
    const list = this.state.lists[channelId];
    if (list?.loaded || list?.loading) return;
    await this.loadPage(channelId, undefined);
  }

  /** The page before the oldest message held. */
  async loadOlder(channelId: string): Promise<void> {
    const list = this.state.lists[channelId];
    if (!list || list.loading || !list.hasOlder) return;
    await this.loadPage(channelId, list.messages[0]?.createdAt);
  }

  private async loadPage(channelId: string, before: string | undefined): Promise<void> {
    this.setList(channelId, (list) => ({ ...list, loading: true, error: null }));
    try {
      const page = await this.client.messages.list(channelId, { limit: PAGE_SIZE, ...(before ? { before } : {}) });
      const loaded = page.map((message) => toChatMessage(message));
      this.learnNames(loaded);
      this.setList(channelId, (list) => ({
        ...list,
        messages: mergeBySeq(list.messages, loaded.filter((message) => !message.parentId)),
        loaded: true,
        hasOlder: page.length === PAGE_SIZE,
        loading: false,
      }));
      const newest = loaded.findLast((message) => !message.parentId);
      if (newest && !before) this.notePreview(newest);
    } catch (error) {
      this.setList(channelId, (list) => ({ ...list, loading: false, error: errorText(error) }));
    }
  }

  private learnNames(messages: ChatMessage[]): void {
    const unknown = messages.filter((message) => !this.state.names[message.userId]);
    if (unknown.length === 0) return;
    this.update((s) => ({
      names: { ...s.names, ...Object.fromEntries(unknown.map((message) => [message.userId, message.author.displayName || message.author.externalId])) },
    }));
  }

  /** A message as the server stored it (message.new, a send's answer, a catch-up), once. */
  private receive(message: ChatMessage): void {
    this.learnNames([message]);
    if (message.parentId) {
      this.countReply(message);
      const thread = this.state.threads[message.parentId];
      if (thread) {
        this.setThread(message.parentId, (t) => ({
          ...t,
          replies: mergeBySeq(t.replies, [message]),
          pending: t.pending.filter((pending) => pending.clientId !== message.clientId),
        }));
      }
    } else if (this.state.lists[message.channelId]?.loaded) {
      this.setList(message.channelId, (list) => ({
        ...list,
        messages: mergeBySeq(list.messages, [message]),
        pending: list.pending.filter((pending) => pending.clientId !== message.clientId),
      }));
    }
    const channel = this.state.channels.byId[message.channelId];
    if (!channel) {
      // A channel the list does not hold yet (added by someone else): the list learns it.
      if (this.state.channels.loaded) void this.loadChannels();
      return;
    }
    const news = message.seq > channel.last_seq;
    const mine = message.userId === this.state.me?.id;
    this.updateChannel(message.channelId, (c) => ({
      ...c,
      last_seq: Math.max(c.last_seq, message.seq),
      last_message_at: news ? message.createdAt : c.last_message_at,
      unread_count: news && !mine && message.seq > c.last_read_seq ? c.unread_count + 1 : c.unread_count,
      // The preview is the channel's newest message, not a thread's reply.
      lastMessage: !message.parentId && (!c.lastMessage || c.lastMessage.seq < message.seq) ? message : c.lastMessage,
    }));
  }

  /** A new reply counted on its parent (the server sends no event for the parent; applyReply counts each reply once). */
  private countReply(reply: ChatMessage): void {
    const asReply = { parent_id: reply.parentId, created_at: reply.createdAt, deleted_at: reply.deletedAt };
    this.changeMessage(reply.channelId, reply.parentId!, (parent) => {
      const counted = applyReply({ id: parent.id, reply_count: parent.replyCount, last_reply_at: parent.lastReplyAt }, asReply);
      return counted.reply_count === parent.replyCount ? parent : { ...parent, replyCount: counted.reply_count, lastReplyAt: counted.last_reply_at };
    });
  }

  /** Changes a held message (in its channel's list and thread) wherever it is. */
  private changeMessage(channelId: string, messageId: string, change: (message: ChatMessage) => ChatMessage): void {
    const apply = (messages: ChatMessage[]) => {
      const index = messages.findIndex((message) => message.id === messageId);
      const changed = index < 0 ? undefined : change(messages[index]!);
      if (!changed || changed === messages[index]) return messages;
      const next = messages.slice();
      next[index] = changed;
      return next;
    };
    const list = this.state.lists[channelId];
    if (list) {
      const messages = apply(list.messages);
      if (messages !== list.messages) this.setList(channelId, (l) => ({ ...l, messages }));
    }
    for (const [parentId, thread] of Object.entries(this.state.threads)) {
      const replies = apply(thread.replies);
      if (replies !== thread.replies) this.setThread(parentId, (t) => ({ ...t, replies }));
    }
    const preview = this.state.channels.byId[channelId]?.lastMessage;
    if (preview?.id === messageId) this.updateChannel(channelId, (c) => ({ ...c, lastMessage: change(preview) }));
  }

  /**
   * Sends with an optimistic copy shown at once; on failure the copy stays, marked failed, for
   * `retry` (with the same clientId: the server stores it once however often it is tried).
   */
  send(channelId: string, text: string, options: { attachments?: Attachment[]; parentId?: string } = {}): Promise<void> {
    const pending: PendingMessage = {
      clientId: newClientId(),
      channelId,
      parentId: options.parentId ?? null,
      text,
      attachments: options.attachments ?? [],
      createdAt: new Date().toISOString(),
      status: 'sending',
      error: null,
    };
    this.setPending(pending, (all) => [...all, pending]);
    return this.deliver(pending);
  }

  retry(pending: PendingMessage): Promise<void> {
    const again = { ...pending, status: 'sending' as const, error: null };
    this.setPending(pending, (all) => all.map((p) => (p.clientId === pending.clientId ? again : p)));
    return this.deliver(again);
  }

  /** Drops a failed message the user gave up on. */
  discard(pending: PendingMessage): void {
    this.setPending(pending, (all) => all.filter((p) => p.clientId !== pending.clientId));
  }

  private async deliver(pending: PendingMessage): Promise<void> {
    try {
      const stored = await this.client.messages.send(pending.channelId, pending.text, {
        clientId: pending.clientId,
        ...(pending.attachments.length ? { attachments: pending.attachments } : {}),
        ...(pending.parentId ? { parentId: pending.parentId } : {}),
      });
      this.receive(toChatMessage(stored as Message));
      this.setPending(pending, (all) => all.filter((p) => p.clientId !== pending.clientId));
    } catch (error) {
      const failed = { ...pending, status: 'failed' as const, error: errorText(error) };
      this.setPending(pending, (all) => all.map((p) => (p.clientId === pending.clientId ? failed : p)));
    }
  }

  private setPending(pending: PendingMessage, change: (all: PendingMessage[]) => PendingMessage[]): void {
    if (pending.parentId) this.setThread(pending.parentId, (t) => ({ ...t, pending: change(t.pending) }));
    else this.setList(pending.channelId, (list) => ({ ...list, pending: change(list.pending) }));
  }

  async edit(channelId: string, messageId: string, text: string): Promise<void> {
    const message = await this.client.messages.update(channelId, messageId, text);
    this.changeMessage(channelId, messageId, (held) => toChatMessage(message, held));
  }

  async remove(channelId: string, messageId: string): Promise<void> {
    await this.client.messages.delete(channelId, messageId);
    this.changeMessage(channelId, messageId, (held) => ({ ...held, deletedAt: held.deletedAt ?? new Date().toISOString(), text: null, attachments: [] }));
  }

  /** Adds the user's reaction, or removes it when they have it; the change shows when the server applies it. */
  async toggleReaction(channelId: string, message: ChatMessage, type: string): Promise<void> {
    const me = this.state.me?.id;
    const mine = me !== undefined && (message.reactions[type] ?? []).includes(me);
    if (mine) await this.client.reactions.remove(channelId, message.id, type);
    else await this.client.reactions.add(channelId, message.id, type);
  }

  /** Marks the channel read up to its newest message (no call when nothing is unread). */
  async markRead(channelId: string): Promise<void> {
    const channel = this.state.channels.byId[channelId];
    if (!channel || (channel.unread_count === 0 && channel.last_read_seq >= channel.last_seq)) return;
    this.updateChannel(channelId, (c) => ({ ...c, unread_count: 0, last_read_seq: c.last_seq }));
    const read = await this.client.channels.markRead(channelId).catch(() => null);
    if (read) this.updateChannel(channelId, (c) => ({ ...c, unread_count: read.unreadCount, last_read_seq: read.lastReadSeq }));
  }

  // ── Threads ─────────────────────────────────────────────────────────────────────────

  private setThread(parentId: string, change: (thread: ThreadState) => ThreadState): void {
    this.update((s) => ({ threads: { ...s.threads, [parentId]: change(s.threads[parentId] ?? emptyThread()) } }));
  }

  async openThread(channelId: string, parentId: string, before?: string): Promise<void> {
    this.setThread(parentId, (t) => ({ ...t, loading: true }));
    try {
      const page = await this.client.messages.replies(channelId, parentId, { limit: PAGE_SIZE, ...(before ? { before } : {}) });
      const replies = page.map((message) => toChatMessage(message));
      this.learnNames(replies);
      this.setThread(parentId, (t) => ({
        ...t,
        replies: mergeBySeq(t.replies, replies),
        hasOlder: page.length === PAGE_SIZE,
        loading: false,
      }));
    } catch {
      this.setThread(parentId, (t) => ({ ...t, loading: false }));
    }
  }

  // ── Typing ──────────────────────────────────────────────────────────────────────────

  private setTyping(channelId: string, userId: string, typing: boolean): void {
    if (userId === this.state.me?.id) return;
    const others = (this.state.typing[channelId] ?? []).filter((user) => user.userId !== userId);
    const name = this.state.names[userId] ?? 'Someone';
    const next = typing ? [...others, { userId, name, until: Date.now() + TYPING_TIMEOUT_MS }] : others;
    this.update((s) => ({ typing: { ...s.typing, [channelId]: next } }));
  }

  private expireTyping(): void {
    const now = Date.now();
    for (const [channelId, users] of Object.entries(this.state.typing)) {
      const current = users.filter((user) => user.until > now);
      if (current.length !== users.length) this.update((s) => ({ typing: { ...s.typing, [channelId]: current } }));
    }
  }

  // ── Events ──────────────────────────────────────────────────────────────────────────

  private eventHandlers(): Handlers {
    const mine = (userId: string) => userId === this.state.me?.id;
    return {
      'message.new': (message) => {
        const chat = toChatMessage(message);
        this.receive(chat);
        // A message from someone who was typing ends their indicator.
        this.setTyping(chat.channelId, chat.userId, false);
      },
      'message.updated': (message) => this.changeMessage(message.channel_id, message.id, (held) => toChatMessage(message, held)),
      'message.pinned': (message) => this.changeMessage(message.channel_id, message.id, (held) => toChatMessage(message, held)),
      'message.unpinned': (message) => this.changeMessage(message.channel_id, message.id, (held) => toChatMessage(message, held)),
      'message.deleted': ({ channelId, messageId, deletedAt }) =>
        this.changeMessage(channelId, messageId, (held) => ({ ...held, deletedAt, text: null, attachments: [] })),
      'reaction.new': ({ channelId, messageId, userId, type }) =>
        this.changeMessage(channelId, messageId, (held) => ({ ...held, reactions: withReaction(held.reactions, type, userId, true) })),
      'reaction.deleted': ({ channelId, messageId, userId, type }) =>
        this.changeMessage(channelId, messageId, (held) => ({ ...held, reactions: withReaction(held.reactions, type, userId, false) })),
      'typing.start': ({ channelId, userId }) => this.setTyping(channelId, userId, true),
      'typing.stop': ({ channelId, userId }) => this.setTyping(channelId, userId, false),
      'presence.changed': ({ userId, status }) => this.update((s) => ({ online: { ...s.online, [userId]: status === 'online' } })),
      'channel.read': ({ channelId, lastReadSeq, unreadCount }) =>
        this.updateChannel(channelId, (c) => ({ ...c, last_read_seq: lastReadSeq, unread_count: unreadCount })),
      'channel.updated': (channel) =>
        this.updateChannel(channel.id, (c) => ({ ...c, name: channel.name, description: channel.description, metadata: channel.metadata })),
      'channel.deleted': ({ channelId }) => this.dropChannel(channelId),
      'member.joined': ({ channelId, userId }) => {
        if (mine(userId) && !this.state.channels.byId[channelId]) void this.loadChannels();
        else if (this.state.details[channelId]) void this.loadDetails(channelId).catch(() => undefined);
        this.updateChannel(channelId, (c) => ({ ...c, member_count: c.member_count + 1 }));
      },
      'member.left': ({ channelId, userId }) => this.memberGone(channelId, userId),
      'member.removed': ({ channelId, userId }) => this.memberGone(channelId, userId),
      'member.banned': ({ channelId, userId }) => this.memberGone(channelId, userId),
      'connection.changed': ({ state }) => {
        // Back after a disconnect: messages were caught up by the client; what has no catch-up
        // (who is online, reads on other devices, channels joined meanwhile) is read again.
        if (state === 'connected' && this.state.connection.everConnected) this.refresh();
        this.update((s) => ({
          connection: {
            state: globalThis.navigator?.onLine === false && state !== 'connected' ? 'offline' : state,
            everConnected: s.connection.everConnected || state === 'connected',
            // Connected after having been connected before: every missed message was delivered.
            caughtUpAt: state === 'connected' && s.connection.everConnected ? Date.now() : s.connection.caughtUpAt,
          },
        }));
      },
      // Too far behind to catch up: the channel's list is loaded again.
      reset: ({ channelId }) => {
        this.setList(channelId, () => emptyList());
        void this.loadPage(channelId, undefined);
      },
    };
  }

  private refresh(): void {
    void this.loadChannels();
    for (const channelId of Object.keys(this.state.details)) void this.loadDetails(channelId).catch(() => undefined);
  }

  private memberGone(channelId: string, userId: string): void {
    if (userId === this.state.me?.id) {
      this.dropChannel(channelId);
      return;
    }
    this.updateChannel(channelId, (c) => ({ ...c, member_count: Math.max(0, c.member_count - 1) }));
    if (this.state.details[channelId]) void this.loadDetails(channelId).catch(() => undefined);
  }
}
