/** The SQL expressions (columns or parameters) a member's unread count is computed from. */
export interface UnreadInputs {
  channelId: string;
  userId: string;
  lastReadSeq: string;
  /** The channel's last_seq. */
  lastSeq: string;
}

/**
 * A member's unread messages, as an SQL expression: every seq after their read position up to
 * the channel's last_seq (gap-free), less their own and the deleted ones. Exact in one
 * statement's snapshot, because a send bumps last_seq and inserts its message in one commit.
 * Nothing is written per send: the cost is paid on reading, two index range scans as long as
 * the member's own messages and the deleted ones since they last read.
 */
export function unreadCountOf(member: UnreadInputs): string {
  const { channelId, userId, lastReadSeq, lastSeq } = member;
  return `(${lastSeq} - ${lastReadSeq}
    - (select count(*) from messages own
        where own.channel_id = ${channelId} and own.user_id = ${userId} and own.seq > ${lastReadSeq})
    - (select count(*) from messages gone
        where gone.channel_id = ${channelId} and gone.seq > ${lastReadSeq}
          and gone.deleted_at is not null and gone.user_id <> ${userId}))::int`;
}
