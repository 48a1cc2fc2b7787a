import { describe, expect, it } from 'vitest';
import { coalescedJob } from './producer.ts';

describe('coalescedJob', () => {
  it('gives every change in one window the same job, running after the window closes', () => {
    const first = coalescedJob('channel_x', 100, 1_000_010);
    const last = coalescedJob('channel_x', 100, 1_000_099);
    expect(first.jobId).toBe('channel_x_10000');
    expect(last.jobId).toBe(first.jobId);
    expect(1_000_010 + first.delay).toBe(1_000_100);
    expect(1_000_099 + last.delay).toBe(1_000_100);
  });

  it('starts a new job in the next window', () => {
    expect(coalescedJob('channel_x', 100, 1_000_100).jobId).toBe('channel_x_10001');
  });

  it('never uses ":" (BullMQ refuses it in custom ids)', () => {
    expect(coalescedJob('deleted_a-b_3', 50, 123_456).jobId).not.toContain(':');
  });

  it('does not coalesce with a zero window', () => {
    expect(coalescedJob('channel_x', 0, 5)).toEqual({ jobId: undefined, delay: 0 });
  });
});
