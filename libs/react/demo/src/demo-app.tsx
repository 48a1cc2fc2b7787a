import { ChannelList, ChatView, HeyyoProvider } from '@heyyo/react';
import { useEffect, useState, type FormEvent } from 'react';
import { saveSession, savedSession, SessionsOff, startSession, type DemoSession } from './session.ts';
import './demo.css';

type Theme = 'auto' | 'light' | 'dark';

/** The name form, or (once joined) the chat: the seed's two components in a grid. */
export function DemoApp() {
  const [session, setSession] = useState<DemoSession | null>(savedSession);
  const [theme, setTheme] = useState<Theme>('auto');
  const [notice, setNotice] = useState<string | null>(null);
  // A demo token lives an hour and the page cannot renew it: back to the name form when it ends.
  useEffect(() => {
    if (!session) return;
    const timer = setTimeout(() => {
      saveSession(null);
      setSession(null);
      setNotice('Your demo session ended (they last an hour): join again.');
    }, Math.max(0, Date.parse(session.expires_at) - Date.now()));
    return () => clearTimeout(timer);
  }, [session]);
  if (!session) {
    return (
      <JoinForm
        notice={notice}
        onJoined={(joined) => {
          saveSession(joined);
          setSession(joined);
        }}
      />
    );
  }
  return (
    <HeyyoProvider apiUrl={location.origin} token={session.token} theme={theme} {...(session.channel_id ? { initialChannelId: session.channel_id } : {})}>
      <div className="demo-layout" data-theme={theme}>
        <header className="demo-bar">
          <strong>Heyyo</strong>
          <span className="demo-who">Signed in as {session.user.display_name}</span>
          <label>
            Theme{' '}
            <select value={theme} onChange={(event) => setTheme(event.target.value as Theme)}>
              <option value="auto">System</option>
              <option value="light">Light</option>
              <option value="dark">Dark</option>
            </select>
          </label>
          <button
            type="button"
            onClick={() => {
              saveSession(null);
              setSession(null);
            }}
          >
            Sign out
          </button>
        </header>
        <div className="demo-chat">
          <ChannelList />
          <ChatView />
        </div>
      </div>
    </HeyyoProvider>
  );
}

function JoinForm({ onJoined, notice }: { onJoined: (session: DemoSession) => void; notice: string | null }) {
  const [name, setName] = useState('');
  const [token, setToken] = useState('');
  const [sessionsOff, setSessionsOff] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const join = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (sessionsOff) {
        onJoined({ token: token.trim(), user: { id: '', external_id: '', display_name: name.trim() || 'you' }, channel_id: null, expires_at: new Date(Date.now() + 3600_000).toISOString() });
      } else {
        onJoined(await startSession(name.trim()));
      }
    } catch (failure) {
      if (failure instanceof SessionsOff) setSessionsOff(true);
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="demo-join">
      <form onSubmit={join}>
        <h1>Heyyo demo chat</h1>
        <p>Pick a name and chat in <code>#general</code>. Open a second tab to talk to yourself.</p>
        {notice ? <p role="status">{notice}</p> : null}
        <label>
          Display name
          <input value={name} onChange={(event) => setName(event.target.value)} maxLength={64} required={!sessionsOff} autoFocus />
        </label>
        {sessionsOff ? (
          <label>
            User token
            <input value={token} onChange={(event) => setToken(event.target.value)} required />
          </label>
        ) : null}
        <button type="submit" disabled={busy}>
          Join
        </button>
        {error ? <p role="alert">{error}</p> : null}
        {sessionsOff ? <p>Demo sessions exist on development nodes only; here, paste a user JWT your backend minted.</p> : null}
      </form>
    </main>
  );
}
