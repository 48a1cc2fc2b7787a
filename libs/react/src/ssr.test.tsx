// Rendered on a server (Node, no DOM): the seed's snippet must render its shell, touching nothing of the browser.
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChannelList } from './components/channel-list.tsx';
import { ChatView } from './components/chat-view.tsx';
import { HeyyoProvider } from './provider.tsx';

afterEach(() => vi.unstubAllGlobals());

describe('server-side rendering', () => {
  it('renders the channel list and chat shell without window, document or the network', () => {
    expect(typeof document).toBe('undefined');
    const fetches: unknown[] = [];
    vi.stubGlobal('fetch', (...call: unknown[]) => {
      fetches.push(call);
      return Promise.reject(new Error('no network on the server'));
    });
    const html = renderToString(
      <HeyyoProvider apiUrl="http://127.0.0.1:9" token="header.payload.signature">
        <div style={{ display: 'grid', gridTemplateColumns: '320px 1fr', height: '100vh' }}>
          <ChannelList />
          <ChatView />
        </div>
      </HeyyoProvider>,
    );
    expect(html).toContain('aria-label="Channels"');
    expect(html).toContain('Loading…');
    expect(html).toContain('Pick a channel');
    expect(fetches).toEqual([]);
  });
});
