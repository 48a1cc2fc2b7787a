export { HeyyoProvider, useHeyyo, type HeyyoProviderProps, type HeyyoContextValue } from './provider.tsx';
export {
  useChatState,
  useChannels,
  useChannel,
  useMessages,
  useThread,
  useTyping,
  usePresence,
  useUnread,
  useConnection,
} from './hooks.ts';
export { ChannelList, ChannelPreview, type ChannelListProps } from './components/channel-list.tsx';
export { ChatView } from './components/chat-view.tsx';
export { MessageList, DateSeparator } from './components/message-list.tsx';
export { Message, PendingMessage } from './components/message.tsx';
export { Composer } from './components/composer.tsx';
export { TypingIndicator } from './components/typing-indicator.tsx';
export { ConnectionBanner } from './components/connection-banner.tsx';
export { Thread } from './components/thread.tsx';
export { Avatar } from './components/avatar.tsx';
export { ChatStore, type ChatState, type ChannelSummary, type MessageList as MessageListState, type ThreadState, type TypingUser, type ConnectionStatus } from './chat-store.ts';
export type { ChatMessage, PendingMessage as PendingMessageState } from './messages.ts';
export type { ComponentOverrides, MessageProps, PendingMessageProps, ChannelPreviewProps } from './overrides.ts';
export { REACTIONS, reactionLabel } from './reactions.ts';
export { heyyoStyles, injectStyles } from './styles.ts';
