/** The pieces a HeyyoProvider's `components` prop may replace: any of them, with the props the built-in one gets. */
import type { ComponentType } from 'react';
import type { ChannelSummary } from './chat-store.ts';
import type { ChatMessage, PendingMessage } from './messages.ts';

export interface MessageProps {
  message: ChatMessage;
  /** The same author as the message above, minutes apart: shown without name and avatar. */
  grouped: boolean;
  mine: boolean;
  onOpenThread?: (message: ChatMessage) => void;
}

export interface PendingMessageProps {
  pending: PendingMessage;
}

export interface ChannelPreviewProps {
  channel: ChannelSummary;
  active: boolean;
  /** Another member of the channel is online. */
  online: boolean;
  onSelect: () => void;
  tabIndex: number;
}

export interface ComponentOverrides {
  Message?: ComponentType<MessageProps>;
  PendingMessage?: ComponentType<PendingMessageProps>;
  ChannelPreview?: ComponentType<ChannelPreviewProps>;
  DateSeparator?: ComponentType<{ date: string }>;
  TypingIndicator?: ComponentType<{ channelId: string }>;
  Composer?: ComponentType<{ channelId: string; parentId?: string }>;
  ConnectionBanner?: ComponentType;
  /** What ChatView shows while no channel is selected. */
  EmptyState?: ComponentType;
}
