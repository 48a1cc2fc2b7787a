import { useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { Attachment } from '@heyyo/sdk';
import { useChatState, useTyping } from '../hooks.ts';
import { useHeyyo } from '../provider.tsx';
import { Icon } from './icons.tsx';

/**
 * The message box: Enter sends, Shift+Enter starts a new line, ↑ in an empty box edits the user's
 * last message, links can be attached. Sends show at once (optimistic) and typing is announced
 * while the user types.
 */
export function Composer({ channelId, parentId }: { channelId: string; parentId?: string }) {
  const { store } = useHeyyo();
  const { keystroke, stop } = useTyping(channelId);
  const me = useChatState((state) => state.me?.id);
  const lastMine = useChatState((state) => {
    const messages = parentId ? state.threads[parentId]?.replies : state.lists[channelId]?.messages;
    return messages?.findLast((message) => message.userId === me && !message.deletedAt);
  });
  const [text, setText] = useState('');
  const [editingId, setEditingId] = useState<string | null>(null);
  const [links, setLinks] = useState<string[]>([]);
  const [linkDraft, setLinkDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    const body = text.trim();
    if (!body && links.length === 0) return;
    stop();
    setText('');
    setLinks([]);
    setError(null);
    if (editingId) {
      setEditingId(null);
      await store.edit(channelId, editingId, body).catch((failure: Error) => setError(failure.message));
      return;
    }
    const attachments: Attachment[] = links.map((url) => ({ type: 'link', url }));
    await store.send(channelId, body, { ...(attachments.length ? { attachments } : {}), ...(parentId ? { parentId } : {}) });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void submit();
    } else if (event.key === 'ArrowUp' && text === '' && lastMine?.text) {
      event.preventDefault();
      setEditingId(lastMine.id);
      setText(lastMine.text);
    } else if (event.key === 'Escape' && editingId) {
      setEditingId(null);
      setText('');
    }
  };

  const addLink = () => {
    const url = linkDraft?.trim() ?? '';
    if (!/^https?:\/\/\S+$/i.test(url)) {
      setError('An attachment is a link starting with http:// or https://');
      return;
    }
    setLinks([...links, url]);
    setLinkDraft(null);
    setError(null);
    box.current?.focus();
  };

  return (
    <form className="heyyo-composer" onSubmit={submit}>
      {editingId ? (
        <p className="heyyo-muted">
          Editing your message · <kbd>Esc</kbd> to cancel
        </p>
      ) : null}
      {links.length > 0 ? (
        <ul className="heyyo-links" aria-label="Attachments">
          {links.map((url, index) => (
            <li key={url + index}>
              {url}{' '}
              <button type="button" aria-label={`Remove ${url}`} onClick={() => setLinks(links.filter((_, i) => i !== index))}>
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {linkDraft !== null ? (
        <div className="heyyo-link-draft">
          <input
            aria-label="Attachment URL"
            placeholder="https://…"
            value={linkDraft}
            autoFocus
            onChange={(event) => setLinkDraft(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter') {
                event.preventDefault();
                addLink();
              }
            }}
          />
          <button type="button" onClick={addLink}>
            Add
          </button>
        </div>
      ) : null}
      <div className="heyyo-composer-row">
        <button type="button" aria-label="Attach a link" onClick={() => setLinkDraft(linkDraft === null ? '' : null)}>
          <Icon name="attach" />
        </button>
        <textarea
          ref={box}
          aria-label="Message"
          placeholder={parentId ? 'Reply…' : 'Message'}
          rows={1}
          value={text}
          maxLength={4000}
          onChange={(event) => {
            setText(event.target.value);
            if (event.target.value) keystroke();
          }}
          onKeyDown={onKeyDown}
          onBlur={stop}
        />
        <button type="submit" className="heyyo-send">
          {editingId ? 'Save' : 'Send'}
        </button>
      </div>
      {error ? (
        <p role="alert" className="heyyo-error">
          {error}
        </p>
      ) : null}
    </form>
  );
}
