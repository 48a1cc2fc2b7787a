import { describe, expect, it } from 'vitest';
import { createRoomPublisher, type SocketServer } from './room-publisher.ts';

/** A target whose emit fails the way an encoder does on a value it cannot encode. */
function failingTarget(): SocketServer {
  const broadcast = {
    except: () => broadcast,
    emit: () => {
      throw new RangeError('Maximum call stack size exceeded');
    },
    socketsJoin: () => {
      throw new Error('Connection is closed');
    },
    socketsLeave: () => {
      throw new Error('Connection is closed');
    },
  };
  return { to: () => broadcast, in: () => broadcast };
}

const typing = { channelId: 'c', userId: 'u', externalId: 'e' };

describe('createRoomPublisher', () => {
  it('never throws to its caller (the change is committed): reports the failure instead', () => {
    const failures: [string, string][] = [];
    const publisher = createRoomPublisher(failingTarget, (error, event) => failures.push([event, (error as Error).message]));
    expect(() => publisher.toChannel('c', 'typing.start', typing, 'u')).not.toThrow();
    expect(() => publisher.toChannels(['c'], 'typing.stop', typing)).not.toThrow();
    expect(() => publisher.toUser('u', 'typing.start', typing)).not.toThrow();
    expect(() => publisher.joinChannel('u', 'c')).not.toThrow();
    expect(() => publisher.leaveChannel('u', 'c')).not.toThrow();
    expect(() => publisher.closeChannel('c')).not.toThrow();
    expect(failures).toEqual([
      ['typing.start', 'Maximum call stack size exceeded'],
      ['typing.stop', 'Maximum call stack size exceeded'],
      ['typing.start', 'Maximum call stack size exceeded'],
      ['socketsJoin', 'Connection is closed'],
      ['socketsLeave', 'Connection is closed'],
      ['socketsLeave', 'Connection is closed'],
    ]);
  });

  it('sends nothing and reports nothing while no server is attached', () => {
    const failures: unknown[] = [];
    const publisher = createRoomPublisher(() => undefined, (error) => failures.push(error));
    publisher.toChannel('c', 'typing.start', typing);
    expect(failures).toEqual([]);
  });
});
