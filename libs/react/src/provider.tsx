import { HeyyoClient } from '@heyyo/sdk';
import { createContext, useContext, useEffect, useInsertionEffect, useMemo, useState, type ReactNode } from 'react';
import { ChatStore } from './chat-store.ts';
import type { ComponentOverrides } from './overrides.ts';
import { injectStyles } from './styles.ts';

export interface HeyyoContextValue {
  client: HeyyoClient;
  store: ChatStore;
  /** The channel ChatView shows (ChannelList sets it). */
  activeChannelId: string | null;
  setActiveChannel: (channelId: string | null) => void;
  components: ComponentOverrides;
}

const HeyyoContext = createContext<HeyyoContextValue | null>(null);

export type HeyyoProviderProps = {
  children?: ReactNode;
  /** The channel to show first; by default the first one ChannelList lists. */
  initialChannelId?: string;
  /** 'auto' follows the system's light or dark preference. @defaultValue 'auto' */
  theme?: 'light' | 'dark' | 'auto';
  /** Replace any built-in piece (Message, ChannelPreview, Composer, …) with your own. */
  components?: ComponentOverrides;
  /** false: the kit adds no stylesheet (you style its `heyyo-*` classes yourself). @defaultValue true */
  injectStyles?: boolean;
  /** Class of the wrapper element that carries the theme. */
  className?: string;
} & (
  | { apiUrl: string; token?: string; tokenProvider?: () => Promise<string>; client?: never }
  /** A client you created (and disconnect yourself). */
  | { client: HeyyoClient; apiUrl?: never; token?: never; tokenProvider?: never }
);

/**
 * Gives the components and hooks beneath it one HeyyoClient (made from `apiUrl` and `token` or
 * `tokenProvider`, or the `client` given) and the chat state kept over its events.
 */
export function HeyyoProvider(props: HeyyoProviderProps) {
  const { apiUrl, token, tokenProvider, client: given } = props;
  // A client made here lives as long as its options; a given one is the app's to close.
  const client = useMemo(
    () => given ?? new HeyyoClient({ apiUrl: apiUrl!, ...(token ? { token } : {}), ...(tokenProvider ? { tokenProvider } : {}) }),
    // A new tokenProvider function on each render must not make a new client.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [given, apiUrl, token],
  );
  const store = useMemo(() => new ChatStore(client), [client]);
  const [activeChannelId, setActiveChannel] = useState<string | null>(props.initialChannelId ?? null);

  useEffect(() => {
    store.start();
    void client.connect().catch(() => undefined); // The connection banner reports it.
    return () => {
      store.stop();
      if (!given) client.disconnect();
    };
  }, [client, store, given]);

  const wantStyles = props.injectStyles !== false;
  useInsertionEffect(() => {
    if (wantStyles) injectStyles();
  }, [wantStyles]);

  const components = props.components;
  const value = useMemo<HeyyoContextValue>(
    () => ({ client, store, activeChannelId, setActiveChannel, components: components ?? {} }),
    [client, store, activeChannelId, components],
  );
  const theme = props.theme ?? 'auto';
  return (
    <HeyyoContext.Provider value={value}>
      <div className={`heyyo${props.className ? ` ${props.className}` : ''}`} data-theme={theme === 'auto' ? undefined : theme}>
        {props.children}
      </div>
    </HeyyoContext.Provider>
  );
}

/** The client, the store and the active channel; throws outside a HeyyoProvider. */
export function useHeyyo(): HeyyoContextValue {
  const value = useContext(HeyyoContext);
  if (!value) throw new Error('useHeyyo must be used inside <HeyyoProvider>');
  return value;
}
