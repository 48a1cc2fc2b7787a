import { describe, expect, it } from 'vitest';
import type { Message } from '@heyyo/contracts';
import { ChannelSequencer } from './channel-sequencer.ts';

const message = (seq: number, channelId = 'c1', deleted = false) =>
  ({ id: `m${seq}`, channel_id: channelId, seq, deleted_at: deleted ? '2026-01-01T00:00:00.000Z' : null }) as Message;

function setup() {
  const delivered: string[] = [];
  const gaps: [string, number][] = [];
  const sequencer = new ChannelSequencer(
    (m) => delivered.push(`${m.channel_id}:${m.seq}`),
    (channelId, afterSeq) => gaps.push([channelId, afterSeq]),
  );
  return { sequencer, delivered, gaps };
}

describe('ChannelSequencer', () => {
  it('delivers in seq order, each once, whatever the arrival order', () => {
    const { sequencer, delivered, gaps } = setup();
    sequencer.observe('c1', 0);
    for (const seq of [2, 1, 1, 4, 3, 2, 5]) sequencer.receive(message(seq));
    expect(delivered).toEqual(['c1:1', 'c1:2', 'c1:3', 'c1:4', 'c1:5']);
    expect(sequencer.position('c1')).toBe(5);
    expect(gaps).toEqual([
      ['c1', 0],
      ['c1', 2],
    ]);
  });

  it('starts an unknown channel at its first message', () => {
    const { sequencer, delivered } = setup();
    sequencer.receive(message(41, 'c2'));
    sequencer.receive(message(42, 'c2'));
    expect(delivered).toEqual(['c2:41', 'c2:42']);
  });

  it('skips tombstones silently but moves past them', () => {
    const { sequencer, delivered } = setup();
    sequencer.observe('c1', 0);
    sequencer.receive(message(1));
    sequencer.receive(message(2, 'c1', true));
    sequencer.receive(message(3));
    expect(delivered).toEqual(['c1:1', 'c1:3']);
    expect(sequencer.position('c1')).toBe(3);
  });

  it('keeps channels apart, and forgets one on reset', () => {
    const { sequencer, delivered } = setup();
    sequencer.observe('a', 10);
    sequencer.observe('b', 0);
    sequencer.receive(message(11, 'a'));
    sequencer.receive(message(1, 'b'));
    sequencer.forget('a');
    expect(sequencer.channels()).toEqual(['b']);
    sequencer.receive(message(90, 'a'));
    expect(delivered).toEqual(['a:11', 'b:1', 'a:90']);
  });

  it('does not move a known position with observe()', () => {
    const { sequencer } = setup();
    sequencer.observe('c1', 5);
    sequencer.observe('c1', 9);
    expect(sequencer.position('c1')).toBe(5);
  });
});
