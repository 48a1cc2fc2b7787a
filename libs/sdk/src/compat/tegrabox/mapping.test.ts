import { describe, expect, it } from 'vitest';
import type { Channel, ChannelDetails, ChannelListItem, ListedMessage, Message, User } from '@heyyo/contracts';
import { mergeUserMetadata, pageWindow, paginated, toAuthInfo, toChatUser, toMessage, toRoom, toRoomUserEvent } from './mapping.ts';

const T0 = '2026-01-31T12:00:00.000Z';
const T1 = '2026-01-31T12:05:00.000Z';

const user = (fields: Partial<User> = {}): User => ({
  id: 'u-1',
  external_id: 'johndoe',
  display_name: 'John Doe',
  avatar_url: null,
  metadata: {},
  deactivated_at: null,
  erased_at: null,
  created_at: T0,
  updated_at: T1,
  ...fields,
});

const channel: Channel = {
  id: 'c-1',
  app_id: 'a-1',
  type: 'messaging',
  name: 'General Chat',
  description: null,
  metadata: { team: 'all' },
  created_by: 'u-1',
  slow_mode_seconds: 0,
  created_at: T0,
  updated_at: T1,
};

const messageFields = {
  id: 'm-1',
  channel_id: 'c-1',
  user_id: 'u-1',
  seq: 7,
  text: 'Hello!',
  attachments: [],
  metadata: {},
  parent_id: null,
  client_id: null,
  created_at: T0,
  updated_at: T1,
  deleted_at: null,
  edited_at: null,
  reply_count: 0,
  last_reply_at: null,
  pinned_at: null,
  pinned_by: null,
};

const tegraboxMessage = {
  id: 'm-1',
  room_id: 'c-1',
  user_id: 'u-1',
  username: 'johndoe',
  display_name: 'John Doe',
  content: 'Hello!',
  seq: 7,
  created_at: T0,
  updated_at: T1,
  edited_at: null,
};

describe('toChatUser', () => {
  it('maps username to the external id and reads the tegrabox fields from metadata', () => {
    const stored = user({ metadata: { external_user_id: 'user_12345', email: 'john@example.com', status: 'away', plan: 'pro' } });
    expect(toChatUser(stored)).toEqual({
      id: 'u-1',
      username: 'johndoe',
      external_user_id: 'user_12345',
      display_name: 'John Doe',
      avatar_url: null,
      email: 'john@example.com',
      status: 'away',
      created_at: T0,
      updated_at: T1,
    });
  });

  it('gives null for missing or non-string fields and "active" for a status never set', () => {
    expect(toChatUser(user({ metadata: { email: 42 } }))).toMatchObject({ external_user_id: null, email: null, status: 'active' });
  });

  it('says "deactivated" for a deactivated user, whatever status was set', () => {
    expect(toChatUser(user({ metadata: { status: 'active' }, deactivated_at: T1 })).status).toBe('deactivated');
  });
});

describe('mergeUserMetadata', () => {
  it('writes the given tegrabox fields over the stored metadata, keeping every other key', () => {
    const stored = { plan: 'pro', email: 'old@example.com' };
    expect(mergeUserMetadata(stored, { username: 'johndoe', email: 'new@example.com', status: 'active' })).toEqual({
      plan: 'pro',
      email: 'new@example.com',
      status: 'active',
    });
    expect(stored, 'the stored object is not changed').toEqual({ plan: 'pro', email: 'old@example.com' });
  });

  it('removes a field given as null and leaves an omitted one', () => {
    expect(mergeUserMetadata({ email: 'a@example.com', external_user_id: 'x' }, { email: null })).toEqual({ external_user_id: 'x' });
  });

  it('is undefined when no tegrabox field is given, so nothing is written', () => {
    expect(mergeUserMetadata({ plan: 'pro' }, { display_name: 'Jane' })).toBeUndefined();
    expect(mergeUserMetadata({}, { username: 'jane' })).toBeUndefined();
  });
});

describe('toRoom', () => {
  it('maps a created channel', () => {
    expect(toRoom(channel)).toEqual({
      id: 'c-1',
      name: 'General Chat',
      description: null,
      type: 'messaging',
      created_by: 'u-1',
      metadata: { team: 'all' },
      created_at: T0,
      updated_at: T1,
    });
  });

  it("adds the counts of a listed channel; a user's list has no creator", () => {
    const listed: ChannelListItem = {
      ...channel,
      role: 'member',
      member_count: 3,
      message_count: 12,
      last_message_at: T1,
      last_read_seq: 10,
      unread_count: 2,
      last_seq: 12,
    };
    delete (listed as Partial<Channel>).created_by;
    expect(toRoom(listed)).toMatchObject({ created_by: null, member_count: 3, message_count: 12, last_message_at: T1 });
  });

  it("maps a channel's members with usernames", () => {
    const details: ChannelDetails = {
      ...channel,
      member_count: 1,
      message_count: 0,
      last_message_at: null,
      members: [{ id: 'u-1', external_id: 'johndoe', display_name: 'John Doe', avatar_url: null, is_online: true, role: 'owner', joined_at: T0 }],
    };
    expect(toRoom(details)).toMatchObject({
      member_count: 1,
      last_message_at: null,
      members: [{ user_id: 'u-1', username: 'johndoe', display_name: 'John Doe', avatar_url: null, role: 'owner', is_online: true, joined_at: T0 }],
    });
  });
});

describe('toMessage', () => {
  it('maps text to content, channel to room and the nested author to username', () => {
    const sent: Message = { ...messageFields, user: { external_id: 'johndoe', display_name: 'John Doe', avatar_url: null } };
    expect(toMessage(sent)).toEqual(tegraboxMessage);
  });

  it('reads the flattened author of a listed message', () => {
    const listed: ListedMessage = {
      ...messageFields,
      user_external_id: 'johndoe',
      user_display_name: 'John Doe',
      user_avatar_url: null,
      reactions: [],
      reaction_counts: {},
    };
    expect(toMessage(listed)).toEqual(tegraboxMessage);
  });
});

describe('events and verify', () => {
  it('maps a member or typing event to room_id, user_id, username', () => {
    expect(toRoomUserEvent({ channelId: 'c-1', userId: 'u-1', externalId: 'johndoe' })).toEqual({
      room_id: 'c-1',
      user_id: 'u-1',
      username: 'johndoe',
    });
  });

  it("puts verify's user under user.userId and the expiry as a date", () => {
    expect(toAuthInfo({ valid: true, user_id: 'u-1', external_id: 'johndoe', app_id: 'a-1', role: 'user', exp: 1_790_000_000 })).toEqual({
      valid: true,
      user: { userId: 'u-1', username: 'johndoe', appId: 'a-1', role: 'user' },
      expiresAt: '2026-09-21T14:13:20.000Z',
    });
  });
});

describe('pages', () => {
  it('turns page and limit into an offset, with defaults and whole numbers of at least 1', () => {
    expect(pageWindow({}, 50)).toEqual({ page: 1, limit: 50, offset: 0 });
    expect(pageWindow({ page: 3, limit: 20 }, 50)).toEqual({ page: 3, limit: 20, offset: 40 });
    expect(pageWindow({ page: 0, limit: 0 }, 50)).toEqual({ page: 1, limit: 1, offset: 0 });
    expect(pageWindow({ page: 2.7, limit: 10.2 }, 50)).toEqual({ page: 2, limit: 10, offset: 10 });
  });

  it('takes the total from X-Total-Count', () => {
    expect(paginated(['a', 'b'], { page: 1, limit: 2 }, '5')).toEqual({ items: ['a', 'b'], page: 1, limit: 2, total: 5, totalPages: 3 });
    expect(paginated([], { page: 1, limit: 20 }, '0')).toEqual({ items: [], page: 1, limit: 20, total: 0, totalPages: 0 });
  });

  it('without the header (an older server) counts what the page proves: one more past a full page', () => {
    expect(paginated(['a', 'b'], { page: 2, limit: 2 }, null)).toMatchObject({ total: 5, totalPages: 3 });
    expect(paginated(['a'], { page: 2, limit: 2 }, null)).toMatchObject({ total: 3, totalPages: 2 });
    expect(paginated(['a'], { page: 1, limit: 2 }, 'many')).toMatchObject({ total: 1, totalPages: 1 });
  });
});
