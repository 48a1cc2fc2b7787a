import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useMessages, useUnread } from '../hooks.ts';
import type { ChatMessage } from '../messages.ts';
import { useHeyyo } from '../provider.tsx';
import { buildRows, type Row } from '../rows.ts';
import { Message as DefaultMessage, PendingMessage as DefaultPending } from './message.tsx';

/** Within this many pixels of the end, the list counts as "at the bottom" and follows new messages. */
const BOTTOM_SLACK_PX = 48;
/** Closer than this to the top, the previous page loads. */
const LOAD_OLDER_PX = 300;

export function DateSeparator({ date }: { date: string }) {
  const label = new Date(date).toLocaleDateString(undefined, { weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' });
  return (
    <div className="heyyo-day" role="separator" aria-label={label}>
      <span>{label}</span>
    </div>
  );
}

const estimate = (row: Row | undefined) => (row?.kind === 'message' ? (row.grouped ? 30 : 62) : row?.kind === 'pending' ? 52 : 34);

/**
 * The channel's messages, virtualized (only those in view are in the DOM, so thousands stay
 * smooth): older pages load when scrolling up (the view stays where it was), new messages are
 * followed while the user is at the bottom, and reaching the bottom marks the channel read.
 */
export function MessageList({ channelId, onOpenThread }: { channelId: string; onOpenThread?: (message: ChatMessage) => void }) {
  const { components } = useHeyyo();
  const list = useMessages(channelId);
  const { lastReadSeq, unreadCount, markRead } = useUnread(channelId);
  const Message = components.Message ?? DefaultMessage;
  const Pending = components.PendingMessage ?? DefaultPending;
  const Separator = components.DateSeparator ?? DateSeparator;

  // Where "new messages" starts is fixed when the channel opens; reading does not move it.
  const [firstUnread, setFirstUnread] = useState<{ channelId: string; seq: number | null } | null>(null);
  if (firstUnread?.channelId !== channelId && list.loaded) {
    setFirstUnread({ channelId, seq: unreadCount > 0 ? lastReadSeq + 1 : null });
  }
  const rows = useMemo(
    () => buildRows(list.messages, list.pending, firstUnread?.channelId === channelId ? firstUnread.seq : null),
    [list.messages, list.pending, firstUnread, channelId],
  );

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (index) => estimate(rows[index]),
    getItemKey: (index) => rows[index]!.key,
    overscan: 8,
  });
  const atBottom = useRef(true);
  /** The oldest message shown and where it started, to keep it in place when a page is prepended. */
  const anchor = useRef<{ key: string; start: number } | null>(null);

  // A new channel starts at the bottom.
  useLayoutEffect(() => {
    atBottom.current = true;
    anchor.current = null;
  }, [channelId]);

  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (!element || rows.length === 0) return;
    const firstMessage = rows.findIndex((row) => row.kind === 'message');
    const previous = anchor.current;
    if (previous && rows[firstMessage]?.key !== previous.key) {
      // Older messages were prepended: scroll by what was added above, so the view does not jump.
      const index = rows.findIndex((row) => row.key === previous.key);
      const moved = index >= 0 ? (virtualizer.measurementsCache[index]?.start ?? previous.start) - previous.start : 0;
      if (moved > 0) element.scrollTop += moved;
    } else if (atBottom.current) {
      virtualizer.scrollToIndex(rows.length - 1, { align: 'end' });
    }
    anchor.current = firstMessage >= 0 ? { key: rows[firstMessage]!.key, start: virtualizer.measurementsCache[firstMessage]?.start ?? 0 } : null;
  }, [rows, virtualizer]);

  const read = () => {
    if (atBottom.current && document.visibilityState !== 'hidden' && unreadCount > 0) void markRead();
  };
  useEffect(read, [unreadCount, rows.length]);
  useEffect(() => {
    document.addEventListener('visibilitychange', read);
    return () => document.removeEventListener('visibilitychange', read);
  });

  const onScroll = () => {
    const element = scrollRef.current!;
    atBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < BOTTOM_SLACK_PX;
    if (element.scrollTop < LOAD_OLDER_PX && list.hasOlder && !list.loading) void list.loadOlder();
    read();
  };

  const me = list.me;
  return (
    <div className="heyyo-scroll" ref={scrollRef} onScroll={onScroll}>
      <div role="log" aria-label="Messages" aria-busy={list.loading} className="heyyo-log" style={{ height: virtualizer.getTotalSize() }}>
        {list.loading && list.messages.length > 0 ? <div className="heyyo-loading-older">Loading earlier messages…</div> : null}
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index]!;
          return (
            <div
              key={item.key}
              data-index={item.index}
              ref={virtualizer.measureElement}
              className="heyyo-row"
              style={{ transform: `translateY(${item.start}px)` }}
            >
              {row.kind === 'day' ? (
                <Separator date={row.date} />
              ) : row.kind === 'unread' ? (
                <div className="heyyo-new-marker" role="separator" aria-label="New messages">
                  <span>New messages</span>
                </div>
              ) : row.kind === 'message' ? (
                <Message message={row.message} grouped={row.grouped} mine={row.message.userId === me} {...(onOpenThread ? { onOpenThread } : {})} />
              ) : (
                <Pending pending={row.pending} />
              )}
            </div>
          );
        })}
      </div>
      {list.loaded && list.messages.length === 0 && list.pending.length === 0 ? (
        <p className="heyyo-muted heyyo-empty">No messages yet. Say hello!</p>
      ) : null}
      {list.error ? (
        <p role="alert" className="heyyo-error">
          {list.error}
        </p>
      ) : null}
    </div>
  );
}
