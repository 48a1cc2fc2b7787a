import { describe, expect, it } from 'vitest';
import { ChangeTracker, type VersionedChange } from './change-tracker.ts';

const C = 'c1';
const left = (userId: string, version: number): VersionedChange => ({
  event: 'member.left',
  payload: { channelId: C, userId, externalId: userId, version },
});

function tracker() {
  const delivered: number[] = [];
  const backlogs: string[] = [];
  const changes = new ChangeTracker(
    (change) => delivered.push(change.payload.version),
    (channelId) => backlogs.push(channelId),
  );
  return { changes, delivered, backlogs };
}

describe('ChangeTracker', () => {
  it('delivers live changes once, and a catch-up only what did not come live', () => {
    const { changes, delivered } = tracker();
    changes.learned(C, 10);
    changes.live(left('a', 12));
    changes.live(left('a', 12));
    changes.caughtUp(C, [left('b', 11), left('a', 12), left('c', 13)] as never, 14);
    expect(delivered).toEqual([12, 11, 13]);
    expect(changes.version(C)).toBe(14);
  });

  it('drops a live change the last catch-up held, and one the page was past', () => {
    const { changes, delivered } = tracker();
    changes.caughtUp(C, [left('a', 5)] as never, 9);
    changes.live(left('a', 5));
    changes.live(left('b', 9));
    changes.live(left('c', 10));
    expect(delivered).toEqual([5, 10]);
  });

  it('delivers everything live before its first catch-up, which then repeats nothing at or below it', () => {
    const { changes, delivered } = tracker();
    expect(changes.version(C)).toBeUndefined();
    changes.live(left('a', 3));
    changes.learned(C, 7);
    changes.caughtUp(C, [left('a', 3)] as never, 7);
    expect(delivered).toEqual([3]);
  });

  it('still delivers a live change at or below the version a first catch-up learned (it delivered none)', () => {
    // The first catch-up read the channel after a change was made, and answered before the change's event came.
    const { changes, delivered } = tracker();
    changes.learned(C, 5);
    changes.live(left('a', 5));
    changes.live(left('a', 5));
    changes.caughtUp(C, [left('b', 6)] as never, 6);
    changes.live(left('b', 6));
    expect(delivered).toEqual([5, 6]);
  });

  it('never moves back, and forgets a channel it stops tracking', () => {
    const { changes } = tracker();
    changes.caughtUp(C, [], 20);
    changes.caughtUp(C, [], 15);
    changes.learned(C, 10);
    expect(changes.version(C)).toBe(20);
    changes.forget(C);
    expect(changes.version(C)).toBeUndefined();
  });

  it('asks for a catch-up when live changes pile up unconfirmed', () => {
    const { changes, backlogs } = tracker();
    changes.caughtUp(C, [], 0);
    for (let version = 1; version <= 256; version++) changes.live(left('a', version));
    expect(backlogs).toEqual([C]);
    changes.caughtUp(C, [], 256);
    changes.live(left('a', 257));
    expect(backlogs).toEqual([C]);
  });
});
