import { useState } from 'react';
import type { Attachment } from '@heyyo/sdk';
import { useChatState } from '../hooks.ts';
import { nameOf, type ChatMessage } from '../messages.ts';
import type { MessageProps, PendingMessageProps } from '../overrides.ts';
import { REACTIONS, reactionLabel } from '../reactions.ts';
import { useHeyyo } from '../provider.tsx';
import { Avatar } from './avatar.tsx';
import { Icon } from './icons.tsx';

const time = (timestamp: string) => new Date(timestamp).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
const IMAGE_URL = /\.(png|jpe?g|gif|webp|avif|svg)(\?.*)?$/i;

/** Only http(s) links are rendered as links: a `javascript:` URL in a message must not run. */
const safeUrl = (value: unknown) => (typeof value === 'string' && /^https?:\/\//i.test(value) ? value : null);

function Attachments({ attachments }: { attachments: Attachment[] }) {
  const urls = attachments.map((attachment) => safeUrl(attachment.url ?? attachment.image_url ?? attachment.asset_url)).filter((url) => url !== null);
  if (urls.length === 0) return null;
  return (
    <div className="heyyo-attachments">
      {urls.map((url, index) =>
        IMAGE_URL.test(url) ? (
          <a key={index} href={url} target="_blank" rel="noreferrer noopener">
            <img src={url} alt="Attachment" loading="lazy" className="heyyo-attachment-image" />
          </a>
        ) : (
          <a key={index} href={url} target="_blank" rel="noreferrer noopener" className="heyyo-attachment-link">
            {url}
          </a>
        ),
      )}
    </div>
  );
}

function Reactions({ message, me, onToggle }: { message: ChatMessage; me: string | null; onToggle: (type: string) => void }) {
  const entries = Object.entries(message.reactions);
  if (entries.length === 0) return null;
  return (
    <div className="heyyo-reactions">
      {entries.map(([type, users]) => (
        <button
          type="button"
          key={type}
          className="heyyo-reaction"
          aria-pressed={me !== null && users.includes(me)}
          aria-label={`${type} ${users.length}`}
          onClick={() => onToggle(type)}
        >
          {reactionLabel(type)} <span className="heyyo-reaction-count">{users.length}</span>
        </button>
      ))}
    </div>
  );
}

function ReactionPicker({ onPick }: { onPick: (type: string) => void }) {
  return (
    <div className="heyyo-picker" role="menu" aria-label="Reactions">
      {Object.entries(REACTIONS).map(([type, emoji]) => (
        <button type="button" role="menuitem" key={type} aria-label={`React ${type}`} onClick={() => onPick(type)}>
          {emoji}
        </button>
      ))}
    </div>
  );
}

/** One message: author and time (unless grouped), text, attachments, reactions, and its actions. */
export function Message({ message, grouped, mine, onOpenThread }: MessageProps) {
  const { store } = useHeyyo();
  const me = useChatState((state) => state.me?.id ?? null);
  const [picking, setPicking] = useState(false);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(message.text ?? '');
  const [error, setError] = useState<string | null>(null);
  /** Runs a user's action; a refusal (not allowed, offline, rate limited) shows under the message. */
  const attempt = (action: () => Promise<void>) => {
    setError(null);
    action().catch((failure: Error) => setError(failure.message));
  };
  const deleted = message.deletedAt !== null;
  const name = nameOf(message.author);
  const toggle = (type: string) => {
    setPicking(false);
    attempt(() => store.toggleReaction(message.channelId, message, type));
  };
  const saveEdit = () => {
    setEditing(false);
    if (draft.trim() && draft !== message.text) attempt(() => store.edit(message.channelId, message.id, draft.trim()));
  };
  return (
    <article
      className={`heyyo-message${grouped ? ' heyyo-grouped' : ''}${mine ? ' heyyo-mine' : ''}`}
      aria-label={`${name}: ${deleted ? 'Message deleted' : (message.text ?? 'Attachment')}`}
      data-seq={message.seq}
      data-message-id={message.id}
    >
      {grouped ? <span className="heyyo-avatar-space" /> : <Avatar id={message.userId} name={name} />}
      <div className="heyyo-message-body">
        {grouped ? null : (
          <header className="heyyo-message-header">
            <span className="heyyo-author">{name}</span>
            <time dateTime={message.createdAt}>{time(message.createdAt)}</time>
          </header>
        )}
        {deleted ? (
          <p className="heyyo-text heyyo-deleted">Message deleted</p>
        ) : editing ? (
          <form
            className="heyyo-edit"
            onSubmit={(event) => {
              event.preventDefault();
              saveEdit();
            }}
          >
            <textarea
              aria-label="Edit message"
              value={draft}
              autoFocus
              onChange={(event) => setDraft(event.target.value)}
              onKeyDown={(event) => {
                if (event.key === 'Escape') setEditing(false);
                if (event.key === 'Enter' && !event.shiftKey) {
                  event.preventDefault();
                  saveEdit();
                }
              }}
            />
            <button type="submit">Save</button>
            <button type="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </form>
        ) : (
          <p className="heyyo-text">
            {message.text}
            {message.editedAt ? <span className="heyyo-edited"> (edited)</span> : null}
          </p>
        )}
        {deleted ? null : <Attachments attachments={message.attachments} />}
        {deleted ? null : <Reactions message={message} me={me} onToggle={toggle} />}
        {error ? (
          <p role="alert" className="heyyo-error">
            {error}
          </p>
        ) : null}
        {message.replyCount > 0 && onOpenThread ? (
          <button type="button" className="heyyo-link" onClick={() => onOpenThread(message)}>
            {message.replyCount === 1 ? '1 reply' : `${message.replyCount} replies`}
          </button>
        ) : null}
      </div>
      {deleted || editing ? null : (
        <div className="heyyo-actions">
          <button type="button" aria-label="Add reaction" aria-expanded={picking} onClick={() => setPicking(!picking)}>
            <Icon name="react" />
          </button>
          {onOpenThread ? (
            <button type="button" aria-label="Reply in thread" onClick={() => onOpenThread(message)}>
              <Icon name="reply" />
            </button>
          ) : null}
          {mine ? (
            <>
              <button
                type="button"
                aria-label="Edit"
                onClick={() => {
                  setDraft(message.text ?? '');
                  setEditing(true);
                }}
              >
                <Icon name="edit" />
              </button>
              <button type="button" aria-label="Delete" onClick={() => attempt(() => store.remove(message.channelId, message.id))}>
                <Icon name="delete" />
              </button>
            </>
          ) : null}
          {picking ? <ReactionPicker onPick={toggle} /> : null}
        </div>
      )}
    </article>
  );
}

/** A message of this client not stored yet: sending, or failed with Retry. */
export function PendingMessage({ pending }: PendingMessageProps) {
  const { store } = useHeyyo();
  return (
    <article className={`heyyo-message heyyo-mine heyyo-pending heyyo-${pending.status}`} aria-label={`You: ${pending.text}`}>
      <span className="heyyo-avatar-space" />
      <div className="heyyo-message-body">
        <p className="heyyo-text">{pending.text}</p>
        {pending.status === 'sending' ? (
          <span className="heyyo-muted">Sending…</span>
        ) : (
          <span role="alert" className="heyyo-error">
            Not sent{pending.error ? `: ${pending.error}` : ''}{' '}
            <button type="button" onClick={() => void store.retry(pending)}>
              Retry
            </button>{' '}
            <button type="button" onClick={() => store.discard(pending)}>
              Discard
            </button>
          </span>
        )}
      </div>
    </article>
  );
}
