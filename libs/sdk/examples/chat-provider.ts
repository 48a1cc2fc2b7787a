/**
 * The migration pattern of seed 000: hide the chat vendor behind a small interface
 * (sendMessage, watchChannel, listChannels) and swap the implementation.
 */
import { HeyyoClient, type ChannelListItem, type Message } from '@heyyo/sdk';

export interface ChatMessage {
  id: string;
  channelId: string;
  authorId: string;
  text: string | null;
  sentAt: string;
}

export interface ChatProvider {
  sendMessage(channelId: string, text: string): Promise<ChatMessage>;
  /** Calls `onMessage` for each new message in the channel, in order; returns an unsubscribe function. */
  watchChannel(channelId: string, onMessage: (message: ChatMessage) => void): () => void;
  listChannels(): Promise<{ id: string; name: string; unread: number }[]>;
}

const toChatMessage = (message: Message): ChatMessage => ({
  id: message.id,
  channelId: message.channel_id,
  authorId: message.user.external_id,
  text: message.text,
  sentAt: message.created_at,
});

/** ChatProvider on Heyyo: one client, one token, real-time by default. */
export class HeyyoChatProvider implements ChatProvider {
  constructor(private readonly client: HeyyoClient) {}

  static connect(apiUrl: string, tokenProvider: () => Promise<string>): HeyyoChatProvider {
    return new HeyyoChatProvider(new HeyyoClient({ apiUrl, tokenProvider }));
  }

  /** Resolves once the real-time connection is up. */
  ready(): Promise<void> {
    return this.client.connect();
  }

  close(): void {
    this.client.disconnect();
  }

  async sendMessage(channelId: string, text: string): Promise<ChatMessage> {
    return toChatMessage(await this.client.messages.send(channelId, text));
  }

  watchChannel(channelId: string, onMessage: (message: ChatMessage) => void): () => void {
    const handler = (message: Message) => {
      if (message.channel_id === channelId) onMessage(toChatMessage(message));
    };
    this.client.on('message.new', handler);
    return () => this.client.off('message.new', handler);
  }

  async listChannels(): Promise<{ id: string; name: string; unread: number }[]> {
    const { items }: { items: ChannelListItem[] } = await this.client.channels.list();
    return items.map((channel) => ({ id: channel.id, name: channel.name, unread: channel.unread_count }));
  }
}
