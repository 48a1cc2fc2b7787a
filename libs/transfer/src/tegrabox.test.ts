import { describe, expect, it } from 'vitest';
import { parseTegraboxDump, tegraboxToLines, TegraboxRefused } from './tegrabox.ts';

const APP = '0b6c3d2e-1f00-4a5b-8c7d-9e0f1a2b3c4d';
const ndjson = (records: object[]) => records.map((record) => JSON.stringify(record)).join('\n');
const convert = (records: object[]) =>
  tegraboxToLines(parseTegraboxDump(ndjson(records), { maxLineBytes: 1 << 16 }), APP, '2026-01-01T00:00:00.000Z').map((line) => JSON.parse(line.text!));

describe('tegrabox dump → export lines', () => {
  const users = [
    { kind: 'user', id: 7, username: 'ann' },
    { kind: 'user', id: 'b', username: 'bo', email: 'bo@example.com' },
  ];
  const room = { kind: 'room', id: 'r', name: 'Room', created_by: 7 };

  it('numbers each room by created_at then id, and makes the creator owner and authors members', () => {
    const lines = convert([
      ...users,
      room,
      { kind: 'message', id: 'z', room_id: 'r', user_id: 'b', content: 'late', created_at: '2025-01-01T00:00:03Z' },
      { kind: 'message', id: 'y', room_id: 'r', user_id: 7, content: 'tie b', created_at: '2025-01-01T00:00:01Z' },
      { kind: 'message', id: 'x', room_id: 'r', user_id: 7, content: 'tie a', created_at: '2025-01-01T00:00:01Z' },
    ]);
    expect(lines.filter((line) => line.kind === 'message').map((line) => [line.seq, line.text])).toEqual([
      [1, 'tie a'],
      [2, 'tie b'],
      [3, 'late'],
    ]);
    expect(lines.filter((line) => line.kind === 'member').map((line) => line.role)).toEqual(['owner', 'member']);
    const [ann, bo] = lines.filter((line) => line.kind === 'user');
    expect(bo).toMatchObject({ external_id: 'bo', metadata: { tegrabox_id: 'b', email: 'bo@example.com' } });
    // Without a created_at of its own, a user dates from their first message.
    expect(ann).toMatchObject({ external_id: 'ann', created_at: '2025-01-01T00:00:01.000Z' });
    // Ids are derived: the same dump gives the same ids.
    expect(convert([...users, room]).find((line) => line.kind === 'channel').id).toBe(lines.find((line) => line.kind === 'channel').id);
  });

  it('lists every dangling reference and bad record instead of importing', () => {
    const attempt = () =>
      convert([
        ...users,
        { kind: 'user', id: 'c', username: 'ann' },
        { ...room, created_by: 'ghost' },
        { kind: 'message', id: 'm', room_id: 'nowhere', user_id: 7, content: 'x', created_at: '2025-01-01T00:00:00Z' },
        { kind: 'channel', id: 'q' },
      ]);
    expect(attempt).toThrow(TegraboxRefused);
    try {
      attempt();
    } catch (error) {
      expect((error as TegraboxRefused).errors).toEqual([
        'line 6: unknown kind "channel" (user, room or message)',
        'line 3: username ann appears twice',
        'line 4: created_by ghost is not a user of the dump',
        'line 5: room_id nowhere is not a room of the dump',
      ]);
    }
  });
});
