/** A message list as the rows it renders: day separators, the "new messages" marker, messages grouped by author. */
import type { ChatMessage, PendingMessage } from './messages.ts';

export type Row =
  | { kind: 'day'; key: string; date: string }
  | { kind: 'unread'; key: 'unread' }
  | { kind: 'message'; key: string; message: ChatMessage; grouped: boolean }
  | { kind: 'pending'; key: string; pending: PendingMessage };

/** Messages of one author closer than this show as one group. */
const GROUP_GAP_MS = 5 * 60_000;

const dayOf = (timestamp: string) => {
  const date = new Date(timestamp);
  return `${date.getFullYear()}-${date.getMonth() + 1}-${date.getDate()}`;
};

/**
 * @param firstUnreadSeq the first message the user had not read when they opened the channel
 *   (the marker goes before it), or null.
 */
export function buildRows(messages: ChatMessage[], pending: PendingMessage[], firstUnreadSeq: number | null): Row[] {
  const rows: Row[] = [];
  let previous: ChatMessage | undefined;
  let markerPlaced = false;
  for (const message of messages) {
    const day = dayOf(message.createdAt);
    const newDay = !previous || dayOf(previous.createdAt) !== day;
    if (newDay) rows.push({ kind: 'day', key: `day-${day}`, date: message.createdAt });
    const marker = !markerPlaced && firstUnreadSeq !== null && message.seq >= firstUnreadSeq;
    if (marker) {
      rows.push({ kind: 'unread', key: 'unread' });
      markerPlaced = true;
    }
    const grouped =
      !newDay &&
      !marker &&
      previous !== undefined &&
      previous.userId === message.userId &&
      !previous.deletedAt &&
      Date.parse(message.createdAt) - Date.parse(previous.createdAt) < GROUP_GAP_MS;
    rows.push({ kind: 'message', key: message.id, message, grouped });
    previous = message;
  }
  for (const item of pending) rows.push({ kind: 'pending', key: `pending-${item.clientId}`, pending: item });
  return rows;
}
