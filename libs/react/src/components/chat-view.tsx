import { useState } from 'react';
import { useChannel, useChatState } from '../hooks.ts';
import { useHeyyo } from '../provider.tsx';
import { Composer as DefaultComposer } from './composer.tsx';
import { ConnectionBanner as DefaultBanner } from './connection-banner.tsx';
import { MessageList } from './message-list.tsx';
import { Thread } from './thread.tsx';
import { TypingIndicator as DefaultTyping } from './typing-indicator.tsx';

function ChannelHeader({ channelId }: { channelId: string }) {
  const { channel, details, onlineCount } = useChannel(channelId);
  const memberCount = details?.member_count ?? channel?.member_count ?? 0;
  return (
    <header className="heyyo-chat-header">
      <h2 className="heyyo-heading">{channel?.name ?? details?.name ?? ''}</h2>
      <span className="heyyo-muted">
        {memberCount === 1 ? '1 member' : `${memberCount} members`} · {onlineCount} online
      </span>
    </header>
  );
}

function NoChannel() {
  return <div className="heyyo-empty-state">Pick a channel, or create one.</div>;
}

/**
 * The active channel (the one ChannelList selected, or `channelId`): header, connection banner,
 * messages, typing indicator, composer, and a message's thread beside them.
 */
export function ChatView({ channelId }: { channelId?: string }) {
  const { activeChannelId, components } = useHeyyo();
  const shown = channelId ?? activeChannelId;
  const [threadOf, setThreadOf] = useState<{ channelId: string; messageId: string } | null>(null);
  const parent = useChatState((state) =>
    threadOf && threadOf.channelId === shown ? state.lists[threadOf.channelId]?.messages.find((m) => m.id === threadOf.messageId) : undefined,
  );
  const Banner = components.ConnectionBanner ?? DefaultBanner;
  const Typing = components.TypingIndicator ?? DefaultTyping;
  const Composer = components.Composer ?? DefaultComposer;
  const Empty = components.EmptyState ?? NoChannel;
  if (!shown) {
    return (
      <section className="heyyo-chat" aria-label="Chat">
        <Banner />
        <Empty />
      </section>
    );
  }
  return (
    <section className="heyyo-chat" aria-label="Chat">
      {/* Keyed by channel: another channel starts with a fresh scroll position, draft and typing state. */}
      <div className="heyyo-chat-main" key={shown}>
        <ChannelHeader channelId={shown} />
        <Banner />
        <MessageList channelId={shown} onOpenThread={(message) => setThreadOf({ channelId: shown, messageId: message.id })} />
        <Typing channelId={shown} />
        <Composer channelId={shown} />
      </div>
      {parent ? <Thread channelId={shown} parent={parent} onClose={() => setThreadOf(null)} /> : null}
    </section>
  );
}
