import { describe, expect, it } from 'vitest';
import { createCheckedPublisher } from './checked-publisher.ts';
import type { EventPublisher } from './publisher.ts';

function recordingPublisher() {
  const sent: unknown[] = [];
  const publisher: EventPublisher = {
    toChannel: (_channelId, event, payload) => void sent.push([event, payload]),
    toChannels: (_channelIds, event, payload) => void sent.push([event, payload]),
    toUser: (_userId, event, payload) => void sent.push([event, payload]),
    joinChannel: () => {},
    leaveChannel: () => {},
    closeChannel: () => {},
  };
  return { publisher, sent };
}

const typing = {
  channelId: '0b6f2a51-5c44-4f7e-9d2a-6a3f0d0b8a11',
  userId: '0b6f2a51-5c44-4f7e-9d2a-6a3f0d0b8a12',
  externalId: 'user-1',
};

describe('createCheckedPublisher', () => {
  it('passes events that match their contract through', () => {
    const { publisher, sent } = recordingPublisher();
    createCheckedPublisher(publisher).toChannel('c', 'typing.start', typing);
    expect(sent).toEqual([['typing.start', typing]]);
  });

  it('throws on an event with a field its contract lacks, and sends nothing', () => {
    const { publisher, sent } = recordingPublisher();
    const checked = createCheckedPublisher(publisher);
    expect(() => checked.toUser('u', 'typing.start', { ...typing, secret: 1 } as typeof typing)).toThrow(
      'the typing.start event does not match its contract: unknown field "secret"',
    );
    const { externalId: _dropped, ...missing } = typing;
    expect(() => checked.toChannels(['c'], 'typing.stop', missing as typeof typing)).toThrow('externalId is required');
    expect(sent).toEqual([]);
  });
});
