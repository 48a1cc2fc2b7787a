import type { NewMessage } from '@heyyo/database';
import { Errors } from './errors.ts';

/** Size limits on what a user may put in a message or channel. */
export interface ContentLimits {
  messageTextLength: number;
  attachments: number;
  /** Serialized bytes of a metadata object, and of each attachment. */
  metadataBytes: number;
}

/** A message as a client submits it, over REST or the socket. */
export interface MessageInput {
  text?: string | null;
  attachments?: Record<string, unknown>[];
  metadata?: Record<string, unknown>;
  parentId?: string | null;
  clientId?: string | null;
}

/** A message that passed validation: exactly what the repository stores. */
export type ValidMessageInput = NewMessage;

const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

export function assertMetadataSize(metadata: Record<string, unknown>, limits: ContentLimits, field = 'metadata'): void {
  if (jsonBytes(metadata) > limits.metadataBytes) {
    throw Errors.validation(`${field} must be at most ${limits.metadataBytes} bytes of JSON`);
  }
}

/**
 * Applies the rules both transports share: text or at least one attachment,
 * and every size limit.
 * @throws HeyyoError (400)
 */
export function validateMessageInput(input: MessageInput, limits: ContentLimits): ValidMessageInput {
  const text = input.text ?? null;
  const attachments = input.attachments ?? [];
  const metadata = input.metadata ?? {};
  const hasText = text !== null && text.trim().length > 0;
  if (!hasText && attachments.length === 0) {
    throw Errors.validation('Message must have text or attachments');
  }
  if (text !== null && [...text].length > limits.messageTextLength) {
    throw Errors.validation(`text must be at most ${limits.messageTextLength} characters`);
  }
  if (attachments.length > limits.attachments) {
    throw Errors.validation(`attachments must have at most ${limits.attachments} items`);
  }
  attachments.forEach((attachment, index) => assertMetadataSize(attachment, limits, `attachments[${index}]`));
  assertMetadataSize(metadata, limits);
  return {
    text: hasText ? text : null,
    attachments,
    metadata,
    parentId: input.parentId ?? null,
    clientId: input.clientId ?? null,
  };
}
