import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { DiscoverChannel } from '@heyyo/sdk';
import type { ChannelSummary } from '../chat-store.ts';
import { useChannels, useChatState } from '../hooks.ts';
import { nameOf } from '../messages.ts';
import type { ChannelPreviewProps } from '../overrides.ts';
import { useHeyyo } from '../provider.tsx';

export function ChannelPreview({ channel, active, online, onSelect, tabIndex }: ChannelPreviewProps) {
  const last = channel.lastMessage;
  const preview = last ? (last.deletedAt ? 'Message deleted' : `${nameOf(last.author)}: ${last.text ?? 'Attachment'}`) : 'No messages yet';
  const describedBy = `heyyo-channel-${channel.id}-details`;
  return (
    <button
      type="button"
      className="heyyo-channel"
      aria-current={active ? 'true' : undefined}
      aria-label={channel.name}
      aria-describedby={describedBy}
      tabIndex={tabIndex}
      onClick={onSelect}
      data-channel-id={channel.id}
    >
      <span className="heyyo-channel-name">
        {online ? <span className="heyyo-online-dot heyyo-inline" title="Someone is online" /> : null}
        {channel.name}
      </span>
      <span id={describedBy} className="heyyo-channel-details">
        <span className="heyyo-channel-preview">{preview}</span>
        {channel.unread_count > 0 ? (
          <span className="heyyo-badge" aria-label={`${channel.unread_count} unread`}>
            {channel.unread_count > 99 ? '99+' : channel.unread_count}
          </span>
        ) : null}
      </span>
    </button>
  );
}

/** Lets the user make a channel by name. */
function CreateChannel({ onCreated }: { onCreated: (channelId: string) => void }) {
  const { create } = useChannels();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return;
    try {
      onCreated(await create(name.trim()));
      setName('');
      setError(null);
    } catch (failure) {
      setError((failure as Error).message);
    }
  };
  return (
    <form className="heyyo-create" onSubmit={submit}>
      <input aria-label="New channel name" placeholder="New channel" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} />
      <button type="submit">Create</button>
      {error ? <p role="alert" className="heyyo-error">{error}</p> : null}
    </form>
  );
}

/** Public channels the user is not in, each with Join. */
function DiscoverChannels({ onJoined }: { onJoined: (channelId: string) => void }) {
  const { discover, join } = useChannels();
  const [found, setFound] = useState<DiscoverChannel[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const open = async () => {
    try {
      setFound((await discover()).filter((channel) => !channel.is_member));
    } catch (failure) {
      setError((failure as Error).message);
    }
  };
  if (!found) {
    return (
      <button type="button" className="heyyo-link" onClick={open}>
        Browse channels
      </button>
    );
  }
  return (
    <section className="heyyo-discover" aria-label="Channels to join">
      {found.length === 0 ? <p className="heyyo-muted">No other channels</p> : null}
      {found.map((channel) => (
        <div key={channel.id} className="heyyo-discover-item">
          <span>
            {channel.name} <span className="heyyo-muted">· {channel.member_count} members</span>
          </span>
          <button
            type="button"
            aria-label={`Join ${channel.name}`}
            onClick={async () => {
              await join(channel.id).then(() => onJoined(channel.id), (failure: Error) => setError(failure.message));
              setFound((all) => all?.filter((other) => other.id !== channel.id) ?? null);
            }}
          >
            Join
          </button>
        </div>
      ))}
      <button type="button" className="heyyo-link" onClick={() => setFound(null)}>
        Close
      </button>
      {error ? <p role="alert" className="heyyo-error">{error}</p> : null}
    </section>
  );
}

export interface ChannelListProps {
  /** Show only some channels (e.g. one type). */
  filter?: (channel: ChannelSummary) => boolean;
  /** Hide the create and browse controls. */
  readOnly?: boolean;
}

/**
 * The user's channels by recent activity, with unread badges, the last message and online dots;
 * selecting one shows it in ChatView. Arrow keys, Home and End move between channels.
 */
export function ChannelList({ filter, readOnly }: ChannelListProps) {
  const { activeChannelId, setActiveChannel, components } = useHeyyo();
  const { channels: all, loaded, error } = useChannels();
  const channels = filter ? all.filter(filter) : all;
  const online = useChatState((state) => state.online);
  const details = useChatState((state) => state.details);
  const me = useChatState((state) => state.me?.id);
  const listRef = useRef<HTMLElement>(null);
  const Preview = components.ChannelPreview ?? ChannelPreview;

  // The first channel is shown until the user picks one.
  const firstId = channels[0]?.id;
  useEffect(() => {
    if (!activeChannelId && firstId) setActiveChannel(firstId);
  }, [activeChannelId, firstId, setActiveChannel]);

  const onKeyDown = (event: KeyboardEvent) => {
    const buttons = [...(listRef.current?.querySelectorAll<HTMLButtonElement>('.heyyo-channel') ?? [])];
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const target = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: buttons.length - 1 }[event.key];
    if (index < 0 || target === undefined) return;
    event.preventDefault();
    buttons[Math.max(0, Math.min(buttons.length - 1, target))]?.focus();
  };

  const someoneOnline = (channelId: string) =>
    details[channelId]?.members.some((member) => member.id !== me && online[member.id]) ?? false;

  return (
    <nav className="heyyo-channel-list" aria-label="Channels" ref={listRef} onKeyDown={onKeyDown}>
      <h2 className="heyyo-heading">Channels</h2>
      {error ? <p role="alert" className="heyyo-error">{error}</p> : null}
      {!loaded ? <p className="heyyo-muted">Loading…</p> : null}
      {loaded && channels.length === 0 && !error ? <p className="heyyo-muted">No channels yet</p> : null}
      <div className="heyyo-channels">
        {channels.map((channel) => (
          <Preview
            key={channel.id}
            channel={channel}
            active={channel.id === activeChannelId}
            online={someoneOnline(channel.id)}
            onSelect={() => setActiveChannel(channel.id)}
            tabIndex={channel.id === activeChannelId || (!activeChannelId && channel === channels[0]) ? 0 : -1}
          />
        ))}
      </div>
      {readOnly ? null : (
        <>
          <CreateChannel onCreated={setActiveChannel} />
          <DiscoverChannels onJoined={setActiveChannel} />
        </>
      )}
    </nav>
  );
}
