import { describe, expect, it } from 'vitest';
import type { ChatMessage, PendingMessage } from './messages.ts';
import { buildRows } from './rows.ts';

let seq = 0;
const message = (userId: string, createdAt: string, extra: Partial<ChatMessage> = {}): ChatMessage => ({
  id: `m${++seq}`,
  channelId: 'c',
  userId,
  seq,
  text: `text ${seq}`,
  attachments: [],
  parentId: null,
  clientId: null,
  createdAt,
  editedAt: null,
  deletedAt: null,
  replyCount: 0,
  lastReplyAt: null,
  pinnedAt: null,
  author: { externalId: userId, displayName: null, avatarUrl: null },
  reactions: {},
  ...extra,
});

const shape = (rows: ReturnType<typeof buildRows>) =>
  rows.map((row) => (row.kind === 'message' ? `${row.message.seq}${row.grouped ? '+' : ''}` : row.kind));

describe('buildRows', () => {
  it('separates days, groups one author within five minutes, and marks where unread starts', () => {
    seq = 0;
    const messages = [
      message('ana', '2026-11-29T10:00:00'),
      message('ana', '2026-11-29T10:04:00'), // grouped
      message('ana', '2026-11-29T10:10:00'), // 6 min later: a new group
      message('ben', '2026-11-29T10:11:00'),
      message('ben', '2026-11-30T09:00:00'), // another day: separator, new group
      message('ben', '2026-11-30T09:01:00'), // first unread: marker, not grouped across it
    ];
    expect(shape(buildRows(messages, [], 6))).toEqual(['day', '1', '2+', '3', '4', 'day', '5', 'unread', '6']);
  });

  it('puts no marker when nothing is unread, and pending messages last', () => {
    seq = 0;
    const pending: PendingMessage = {
      clientId: 'x',
      channelId: 'c',
      parentId: null,
      text: 'sending',
      attachments: [],
      createdAt: '2026-11-30T09:02:00',
      status: 'sending',
      error: null,
    };
    const rows = buildRows([message('ana', '2026-11-30T09:00:00')], [pending], null);
    expect(shape(rows)).toEqual(['day', '1', 'pending']);
    expect(rows.map((row) => row.key)).toEqual(['day-2026-11-30', 'm1', 'pending-x']);
  });

  it('does not group under a deleted message', () => {
    seq = 0;
    const messages = [message('ana', '2026-11-30T09:00:00', { deletedAt: '2026-11-30T09:00:30' }), message('ana', '2026-11-30T09:01:00')];
    expect(shape(buildRows(messages, [], null))).toEqual(['day', '1', '2']);
  });
});
