import { describe, expect, it } from 'vitest';
import { describePayloadIssue } from './event-handler.ts';

describe('describePayloadIssue', () => {
  it.each([
    [{ path: '/text', message: 'Expected union value' }, 'text: has the wrong type'],
    [{ path: '/channelId', message: 'Expected string' }, 'channelId: Expected string'],
    [{ path: '', message: 'Expected object' }, 'payload: Expected object'],
    [{ path: '/attachments/0', message: 'Expected object' }, 'attachments.0: Expected object'],
    [undefined, 'payload: is invalid'],
  ])('%j → %s', (issue, expected) => {
    expect(describePayloadIssue(issue)).toBe(expected);
  });
});
