import { useTyping } from '../hooks.ts';

/** "Ana is typing…" for the other members typing in the channel; an empty live region otherwise. */
export function TypingIndicator({ channelId }: { channelId: string }) {
  const { typing } = useTyping(channelId);
  const names = typing.map((user) => user.name);
  const text =
    names.length === 0
      ? ''
      : names.length === 1
        ? `${names[0]} is typing…`
        : names.length === 2
          ? `${names[0]} and ${names[1]} are typing…`
          : `${names.length} people are typing…`;
  return (
    <div className="heyyo-typing" role="status" aria-live="polite">
      {text}
    </div>
  );
}
