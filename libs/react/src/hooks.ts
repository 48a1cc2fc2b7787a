/** Hooks for custom UIs: each reads one slice of the chat state and re-renders only when it changes. */
import type { Attachment } from '@heyyo/sdk';
import { useCallback, useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import type { ChannelSummary, ChatState, ConnectionStatus, MessageList, ThreadState, TypingUser } from './chat-store.ts';
import type { ChatMessage, PendingMessage } from './messages.ts';
import { useHeyyo } from './provider.tsx';

/** One slice of the state; the component re-renders when `select`'s result changes identity. */
export function useChatState<T>(select: (state: ChatState) => T): T {
  const { store } = useHeyyo();
  return useSyncExternalStore(
    store.subscribe,
    () => select(store.getState()),
    () => select(store.getState()),
  );
}

const byActivity = (a: ChannelSummary, b: ChannelSummary) =>
  (b.last_message_at ?? b.created_at).localeCompare(a.last_message_at ?? a.created_at) || a.name.localeCompare(b.name);

/** The user's channels, most recent activity first, with create / discover / join / leave. */
export function useChannels() {
  const { store } = useHeyyo();
  const channels = useChatState((state) => state.channels);
  const sorted = useMemo(() => Object.values(channels.byId).sort(byActivity), [channels.byId]);
  return {
    channels: sorted,
    loaded: channels.loaded,
    error: channels.error,
    reload: () => store.loadChannels(),
    create: (name: string, options?: { description?: string; members?: string[] }) => store.createChannel(name, options),
    discover: () => store.discover(),
    join: (channelId: string) => store.joinChannel(channelId),
    leave: (channelId: string) => store.leaveChannel(channelId),
  };
}

/** One channel: its list entry, its details (loaded on first use) and how many members are online. */
export function useChannel(channelId: string | null) {
  const { store } = useHeyyo();
  const summary = useChatState((state) => (channelId ? state.channels.byId[channelId] : undefined));
  const details = useChatState((state) => (channelId ? state.details[channelId] : undefined));
  const online = useChatState((state) => state.online);
  useEffect(() => {
    if (channelId) void store.loadDetails(channelId).catch(() => undefined);
  }, [store, channelId]);
  const onlineCount = useMemo(() => details?.members.filter((member) => online[member.id]).length ?? 0, [details, online]);
  return { channel: summary ?? null, details: details ?? null, members: details?.members ?? [], onlineCount };
}

const NO_LIST: MessageList = { messages: [], pending: [], loaded: false, hasOlder: false, loading: false, error: null };

/** A channel's messages (loaded on first use) and what a user does with them. */
export function useMessages(channelId: string | null) {
  const { store } = useHeyyo();
  const list = useChatState((state) => (channelId ? (state.lists[channelId] ?? NO_LIST) : NO_LIST));
  const me = useChatState((state) => state.me?.id ?? null);
  useEffect(() => {
    if (channelId) void store.openChannel(channelId);
  }, [store, channelId]);
  return {
    ...list,
    me,
    loadOlder: useCallback(() => (channelId ? store.loadOlder(channelId) : Promise.resolve()), [store, channelId]),
    send: (text: string, options?: { attachments?: Attachment[] }) => store.send(channelId!, text, options),
    retry: (pending: PendingMessage) => store.retry(pending),
    discard: (pending: PendingMessage) => store.discard(pending),
    edit: (messageId: string, text: string) => store.edit(channelId!, messageId, text),
    remove: (messageId: string) => store.remove(channelId!, messageId),
    toggleReaction: (message: ChatMessage, type: string) => store.toggleReaction(channelId!, message, type),
  };
}

const NO_THREAD: ThreadState = { replies: [], pending: [], hasOlder: false, loading: false };

/** A thread's replies (loaded on first use) and replying to it. */
export function useThread(channelId: string, parentId: string | null) {
  const { store } = useHeyyo();
  const thread = useChatState((state) => (parentId ? (state.threads[parentId] ?? NO_THREAD) : NO_THREAD));
  useEffect(() => {
    if (parentId) void store.openThread(channelId, parentId);
  }, [store, channelId, parentId]);
  return {
    ...thread,
    loadOlder: () => (parentId && thread.replies[0] ? store.openThread(channelId, parentId, thread.replies[0].createdAt) : Promise.resolve()),
    reply: (text: string, options?: { attachments?: Attachment[] }) => store.send(channelId, text, { ...options, parentId: parentId! }),
  };
}

const NO_TYPING: TypingUser[] = [];
/** Typing.start is sent again while typing goes on, at most this often. */
const TYPING_REPEAT_MS = 3000;
/** Typing.stop follows this long after the last keystroke. */
const TYPING_IDLE_MS = 4000;

/**
 * Who else is typing in the channel, and `keystroke()` / `stop()` for the composer: typing.start at
 * the first keystroke and every 3 s while it goes on, typing.stop 4 s after the last one (or on send).
 */
export function useTyping(channelId: string | null) {
  const { client } = useHeyyo();
  const typing = useChatState((state) => (channelId ? (state.typing[channelId] ?? NO_TYPING) : NO_TYPING));
  const lastStart = useRef(0);
  const idleTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const stop = useCallback(() => {
    clearTimeout(idleTimer.current);
    if (channelId && lastStart.current > 0) client.typing.stop(channelId);
    lastStart.current = 0;
  }, [client, channelId]);
  const keystroke = useCallback(() => {
    if (!channelId) return;
    if (Date.now() - lastStart.current > TYPING_REPEAT_MS) {
      client.typing.start(channelId);
      lastStart.current = Date.now();
    }
    clearTimeout(idleTimer.current);
    idleTimer.current = setTimeout(stop, TYPING_IDLE_MS);
  }, [client, channelId, stop]);
  // Switching channels (or unmounting) ends typing in the one left.
  useEffect(() => stop, [stop]);
  return { typing, keystroke, stop };
}

/** Whether a user is online (as far as presence events and channel details have told). */
export function usePresence(userId: string | null | undefined): boolean {
  return useChatState((state) => (userId ? state.online[userId] === true : false));
}

/** Unread messages of one channel, or of all channels when none is named, and marking read. */
export function useUnread(channelId?: string | null) {
  const { store } = useHeyyo();
  const channels = useChatState((state) => state.channels.byId);
  const unreadCount = useMemo(
    () =>
      channelId
        ? (channels[channelId]?.unread_count ?? 0)
        : Object.values(channels).reduce((sum, channel) => sum + channel.unread_count, 0),
    [channels, channelId],
  );
  return {
    unreadCount,
    lastReadSeq: channelId ? (channels[channelId]?.last_read_seq ?? 0) : 0,
    markRead: useCallback(() => (channelId ? store.markRead(channelId) : Promise.resolve()), [store, channelId]),
  };
}

/** The socket's state for banners: `caughtUpAt` is when a reconnect last finished its catch-up. */
export function useConnection(): { state: ConnectionStatus; everConnected: boolean; caughtUpAt: number | null } {
  return useChatState((state) => state.connection);
}
