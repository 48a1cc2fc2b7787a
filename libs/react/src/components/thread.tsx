import { useHeyyo } from '../provider.tsx';
import { useChatState, useThread } from '../hooks.ts';
import type { ChatMessage } from '../messages.ts';
import { Composer as DefaultComposer } from './composer.tsx';
import { Icon } from './icons.tsx';
import { Message as DefaultMessage, PendingMessage as DefaultPending } from './message.tsx';

/** A message's thread beside the channel: the message, its replies (paged back on demand) and a reply box. */
export function Thread({ channelId, parent, onClose }: { channelId: string; parent: ChatMessage; onClose: () => void }) {
  const { components } = useHeyyo();
  const thread = useThread(channelId, parent.id);
  const me = useChatState((state) => state.me?.id);
  const Message = components.Message ?? DefaultMessage;
  const Pending = components.PendingMessage ?? DefaultPending;
  const Composer = components.Composer ?? DefaultComposer;
  return (
    <aside className="heyyo-thread" aria-label="Thread">
      <header className="heyyo-thread-header">
        <h3>Thread</h3>
        <button type="button" aria-label="Close thread" onClick={onClose}>
          <Icon name="close" />
        </button>
      </header>
      <div className="heyyo-thread-body" role="log" aria-label="Replies">
        <Message message={parent} grouped={false} mine={parent.userId === me} />
        {thread.hasOlder ? (
          <button type="button" className="heyyo-link" onClick={() => void thread.loadOlder()}>
            Earlier replies
          </button>
        ) : null}
        {thread.replies.map((reply) => (
          <Message key={reply.id} message={reply} grouped={false} mine={reply.userId === me} />
        ))}
        {thread.pending.map((pending) => (
          <Pending key={pending.clientId} pending={pending} />
        ))}
      </div>
      <Composer channelId={channelId} parentId={parent.id} />
    </aside>
  );
}
