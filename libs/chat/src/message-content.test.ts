import { describe, expect, it } from 'vitest';
import { validateMessageInput } from './message-content.ts';

const limits = { messageTextLength: 5, attachments: 2, metadataBytes: 20 };

describe('validateMessageInput', () => {
  it('fills defaults', () => {
    expect(validateMessageInput({ text: 'hi' }, limits)).toEqual({
      text: 'hi',
      attachments: [],
      metadata: {},
      parentId: null,
      clientId: null,
    });
  });

  it('accepts attachments without text and stores blank text as null', () => {
    expect(validateMessageInput({ text: '  ', attachments: [{ type: 'image' }] }, limits).text).toBeNull();
  });

  it.each([
    [{}, 'Message must have text or attachments'],
    [{ text: ' \n ' }, 'Message must have text or attachments'],
    [{ text: null, attachments: [] }, 'Message must have text or attachments'],
    [{ text: '123456' }, 'text must be at most 5 characters'],
    [{ text: 'a', attachments: [{}, {}, {}] }, 'attachments must have at most 2 items'],
    [{ text: 'a', attachments: [{ url: 'x'.repeat(30) }] }, 'attachments[0] must be at most 20 bytes of JSON'],
    [{ text: 'a', metadata: { k: 'x'.repeat(30) } }, 'metadata must be at most 20 bytes of JSON'],
  ])('refuses %j', (input, message) => {
    expect(() => validateMessageInput(input, limits)).toThrow(message);
  });

  it('counts characters, not UTF-16 units', () => {
    expect(validateMessageInput({ text: '👋👋👋👋👋' }, limits).text).toBe('👋👋👋👋👋');
  });
});
