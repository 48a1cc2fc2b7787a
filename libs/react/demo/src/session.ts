/** A demo session: a token for a new user of the node's demo app, kept for this tab (a reload stays signed in). */
export interface DemoSession {
  token: string;
  user: { id: string; external_id: string; display_name: string };
  channel_id: string | null;
  expires_at: string;
}

const KEY = 'heyyo-demo-session';

export function savedSession(): DemoSession | null {
  try {
    const session = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as DemoSession | null;
    return session && Date.parse(session.expires_at) > Date.now() + 60_000 ? session : null;
  } catch {
    return null;
  }
}

export function saveSession(session: DemoSession | null): void {
  if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
  else sessionStorage.removeItem(KEY);
}

export class SessionsOff extends Error {}

/** Asks the node for a session; SessionsOff when it has none (a production node serving the page). */
export async function startSession(displayName: string): Promise<DemoSession> {
  const response = await fetch('/demo/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ display_name: displayName }),
  });
  if (response.status === 404) throw new SessionsOff('This server does not hand out demo sessions');
  const body = (await response.json().catch(() => ({}))) as DemoSession & { error?: string };
  if (!response.ok) throw new Error(body.error ?? `The server answered ${response.status}`);
  return body;
}
