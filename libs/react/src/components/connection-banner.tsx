import { useEffect, useState } from 'react';
import { useConnection } from '../hooks.ts';

/** How long "Caught up" stays after a reconnect. */
const CAUGHT_UP_MS = 3000;

/** Says when the chat is offline or reconnecting, and briefly when it caught up again. */
export function ConnectionBanner() {
  const { state, everConnected, caughtUpAt } = useConnection();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!caughtUpAt) return;
    const timer = setTimeout(() => setNow(Date.now()), CAUGHT_UP_MS);
    setNow(Date.now());
    return () => clearTimeout(timer);
  }, [caughtUpAt]);
  const text =
    state === 'offline'
      ? 'You are offline.'
      : state === 'reconnecting' || (state === 'disconnected' && everConnected)
        ? 'Reconnecting…'
        : state === 'connected' && caughtUpAt && now - caughtUpAt < CAUGHT_UP_MS
          ? 'Caught up'
          : null;
  return (
    <div className={`heyyo-banner${text ? ' heyyo-banner-shown' : ''}`} role="status" aria-live="polite" data-state={state}>
      {text}
    </div>
  );
}
