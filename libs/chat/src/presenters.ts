/** Domain records → the wire shapes of @heyyo/contracts (snake_case, ISO strings). */
import type {
  AppSummary,
  Attachment,
  ChangedMessage,
  AppChannel,
  Channel,
  ChannelChange,
  ChannelDetails,
  ChannelListItem,
  ChannelMember,
  DiscoverChannel,
  ExportedMembership,
  ExportedMessage,
  ExportedReaction,
  JsonObject,
  Message,
  ExportedRestriction,
  Restriction,
  User,
  Webhook,
  WebhookDelivery,
  WebhookEventType,
} from '@heyyo/contracts';
import type {
  AppRecord,
  ChangeRecord,
  ChannelRecord,
  ExportedMembershipRecord,
  ExportedMessageRecord,
  ExportedReactionRecord,
  MemberRecord,
  MemberRole,
  MessageRecord,
  ReadStateRecord,
  RestrictionKind,
  RestrictionRecord,
  UserRecord,
  WebhookDeliveryRecord,
  WebhookEndpointRecord,
} from '@heyyo/database';

const iso = (date: Date) => date.toISOString();
const isoOrNull = (date: Date | null) => (date ? date.toISOString() : null);

export function presentAppSummary(app: AppRecord): AppSummary {
  return { id: app.id, name: app.name, api_key: app.apiKey, created_at: iso(app.createdAt) };
}

export function presentUser(user: UserRecord): User {
  return {
    id: user.id,
    external_id: user.externalId,
    display_name: user.displayName,
    avatar_url: user.avatarUrl,
    metadata: user.metadata as JsonObject,
    deactivated_at: isoOrNull(user.deactivatedAt),
    erased_at: isoOrNull(user.erasedAt),
    created_at: iso(user.createdAt),
    updated_at: iso(user.updatedAt),
  };
}

export function presentExportedMembership(membership: ExportedMembershipRecord): ExportedMembership {
  return {
    channel_id: membership.channelId,
    channel_name: membership.channelName,
    role: membership.role,
    joined_at: iso(membership.joinedAt),
    last_read_seq: membership.lastReadSeq,
  };
}

/** Unlike presentMessage, a deleted message shows what is still stored of it: an export hides nothing. */
export function presentExportedMessage(message: ExportedMessageRecord): ExportedMessage {
  return {
    id: message.id,
    channel_id: message.channelId,
    seq: message.seq,
    text: message.text,
    attachments: message.attachments as JsonObject[],
    metadata: message.metadata as JsonObject,
    parent_id: message.parentId,
    client_id: message.clientId,
    reaction_counts: message.reactionCounts,
    created_at: iso(message.createdAt),
    updated_at: iso(message.updatedAt),
    deleted_at: isoOrNull(message.deletedAt),
    edited_at: isoOrNull(message.editedAt),
  };
}

export function presentExportedReaction(reaction: ExportedReactionRecord): ExportedReaction {
  return {
    message_id: reaction.messageId,
    channel_id: reaction.channelId,
    type: reaction.type,
    created_at: iso(reaction.createdAt),
    removed_at: isoOrNull(reaction.removedAt),
  };
}

export function presentChannel(channel: ChannelRecord): Channel {
  return {
    id: channel.id,
    app_id: channel.appId,
    type: channel.type,
    name: channel.name,
    description: channel.description,
    metadata: channel.metadata as JsonObject,
    created_by: channel.createdBy,
    slow_mode_seconds: channel.slowModeSeconds,
    created_at: iso(channel.createdAt),
    updated_at: iso(channel.updatedAt),
  };
}

/** A channel as the app's backend lists it: the channel, its counters and newest seq. */
export function presentAppChannel(channel: ChannelRecord): AppChannel {
  return {
    ...presentChannel(channel),
    member_count: channel.memberCount,
    message_count: channel.messageCount,
    last_message_at: isoOrNull(channel.lastMessageAt),
    last_seq: channel.lastSeq,
  };
}

export function presentChannelListItem(channel: ChannelRecord & ReadStateRecord & { role: MemberRole }): ChannelListItem {
  return {
    id: channel.id,
    name: channel.name,
    type: channel.type,
    description: channel.description,
    metadata: channel.metadata as JsonObject,
    role: channel.role,
    member_count: channel.memberCount,
    message_count: channel.messageCount,
    last_message_at: isoOrNull(channel.lastMessageAt),
    last_read_seq: channel.lastReadSeq,
    unread_count: channel.unreadCount,
    last_seq: channel.lastSeq,
    slow_mode_seconds: channel.slowModeSeconds,
    created_at: iso(channel.createdAt),
    updated_at: iso(channel.updatedAt),
  };
}

export function presentDiscoverChannel(channel: ChannelRecord & { isMember: boolean }): DiscoverChannel {
  return {
    id: channel.id,
    name: channel.name,
    type: channel.type,
    description: channel.description,
    member_count: channel.memberCount,
    is_member: channel.isMember,
    created_at: iso(channel.createdAt),
  };
}

export function presentMember(member: MemberRecord, online: boolean): ChannelMember {
  return {
    id: member.userId,
    external_id: member.externalId,
    display_name: member.displayName,
    avatar_url: member.avatarUrl,
    is_online: online,
    role: member.role,
    joined_at: iso(member.joinedAt),
  };
}

export function presentChannelDetails(
  channel: ChannelRecord,
  members: MemberRecord[],
  online: Set<string>,
): ChannelDetails {
  return {
    ...presentChannel(channel),
    member_count: channel.memberCount,
    message_count: channel.messageCount,
    last_message_at: isoOrNull(channel.lastMessageAt),
    members: members.map((member) => presentMember(member, online.has(member.userId))),
  };
}

/** A deleted message keeps its place (id, seq, author, times) but shows no content. */
function messageFields(message: MessageRecord): Omit<Message, 'user'> {
  const deleted = message.deletedAt !== null;
  return {
    id: message.id,
    channel_id: message.channelId,
    user_id: message.userId,
    seq: message.seq,
    text: deleted ? null : message.text,
    attachments: deleted ? [] : (message.attachments as Attachment[]),
    metadata: deleted ? {} : (message.metadata as JsonObject),
    parent_id: message.parentId,
    client_id: message.clientId,
    created_at: iso(message.createdAt),
    updated_at: iso(message.updatedAt),
    deleted_at: isoOrNull(message.deletedAt),
    edited_at: isoOrNull(message.editedAt),
    reply_count: message.replyCount,
    last_reply_at: isoOrNull(message.lastReplyAt),
    pinned_at: isoOrNull(message.pinnedAt),
    pinned_by: message.pinnedBy,
  };
}

/** A message with its author nested: the POST response and the `message.new` payload. */
export function presentMessage(message: MessageRecord): Message {
  return {
    ...messageFields(message),
    user: {
      external_id: message.author.externalId,
      display_name: message.author.displayName,
      avatar_url: message.author.avatarUrl,
    },
  };
}

/** A message after a change, with the change's version: the payload of message.updated, .pinned and .unpinned. */
export function presentChangedMessage(message: MessageRecord): ChangedMessage {
  return { ...presentMessage(message), version: message.changeVersion! };
}

/** A change a catch-up returns, as the event it would have been live (a message: deleted or updated, as it is now). */
export function presentChange(change: ChangeRecord): ChannelChange {
  if (!('message' in change)) return { event: change.event, payload: { ...change.payload, version: change.version } } as ChannelChange;
  const { message } = change;
  if (message.deletedAt === null) return { event: 'message.updated', payload: presentChangedMessage(message) };
  const deletion = { messageId: message.id, channelId: message.channelId, seq: message.seq, deletedAt: iso(message.deletedAt) };
  return { event: 'message.deleted', payload: { ...deletion, version: change.version } };
}

export function presentRestriction(restriction: RestrictionRecord): Restriction {
  return {
    user_id: restriction.userId,
    external_id: restriction.externalId,
    reason: restriction.reason,
    created_by: restriction.createdBy,
    created_at: iso(restriction.createdAt),
    expires_at: isoOrNull(restriction.expiresAt),
  };
}

/** A ban or mute of the user as stored, in an export. */
export function presentExportedRestriction(restriction: {
  channelId: string;
  kind: RestrictionKind;
  reason: string | null;
  createdBy: string | null;
  createdAt: Date;
  expiresAt: Date | null;
}): ExportedRestriction {
  return {
    channel_id: restriction.channelId,
    kind: restriction.kind,
    reason: restriction.reason,
    created_by: restriction.createdBy,
    created_at: iso(restriction.createdAt),
    expires_at: isoOrNull(restriction.expiresAt),
  };
}

/** The user's app-wide ban as stored, in an export. */
export function presentExportedAppBan(ban: { reason: string | null; createdAt: Date; expiresAt: Date | null }) {
  return { reason: ban.reason, created_at: iso(ban.createdAt), expires_at: isoOrNull(ban.expiresAt) };
}

export function presentWebhook(endpoint: WebhookEndpointRecord): Webhook {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: endpoint.events,
    enabled: endpoint.enabled,
    secret: endpoint.secret,
    created_at: iso(endpoint.createdAt),
    updated_at: iso(endpoint.updatedAt),
  };
}

export function presentWebhookDelivery(delivery: WebhookDeliveryRecord): WebhookDelivery {
  return {
    id: delivery.id,
    webhook_id: delivery.endpointId,
    event: {
      id: delivery.event.id,
      type: delivery.event.type as WebhookEventType,
      created_at: iso(delivery.event.createdAt),
      app_id: delivery.event.appId,
      data: delivery.event.data,
    },
    status: delivery.status,
    attempts: delivery.attempts,
    created_at: iso(delivery.createdAt),
    last_attempt_at: isoOrNull(delivery.lastAttemptAt),
    next_attempt_at: delivery.status === 'pending' ? iso(delivery.nextAttemptAt) : null,
    delivered_at: isoOrNull(delivery.deliveredAt),
    response_status: delivery.responseStatus,
    response_body: delivery.responseBody,
    error: delivery.error,
    redelivery_of: delivery.redeliveryOf,
  };
}
