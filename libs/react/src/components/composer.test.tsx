// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { HeyyoProvider } from '../provider.tsx';
import { channelItem, FakeClient, listedMessage, ME } from '../testing/fake-client.ts';
import { ChatView } from './chat-view.tsx';

async function renderChat(client: FakeClient) {
  render(
    <HeyyoProvider client={client.asClient()} initialChannelId="a" injectStyles={false}>
      <ChatView />
    </HeyyoProvider>,
  );
  await act(() => new Promise((resolve) => setTimeout(resolve, 10)));
  return screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement;
}

afterEach(cleanup);

describe('Composer', () => {
  it('sends on Enter (with a clientId), adds a line on Shift+Enter, and announces typing', async () => {
    const client = new FakeClient();
    client.channelList = [channelItem('a')];
    const box = await renderChat(client);
    fireEvent.change(box, { target: { value: 'first line' } });
    fireEvent.keyDown(box, { key: 'Enter', shiftKey: true });
    expect(client.sent).toEqual([]);
    fireEvent.keyDown(box, { key: 'Enter' });
    await act(() => new Promise((resolve) => setTimeout(resolve, 10)));
    expect(client.sent).toEqual([{ channelId: 'a', text: 'first line', clientId: expect.any(String) }]);
    expect(box.value).toBe('');
    // Typing started with the first keystroke and stopped with the send.
    expect(client.typingSent).toEqual(['start a', 'stop a']);
  });

  it('edits the last own message on ↑ in the empty box', async () => {
    const client = new FakeClient();
    client.channelList = [channelItem('a', { last_seq: 1 })];
    client.history.a = [listedMessage('a', 1, ME, { text: 'tpyo here' })];
    const box = await renderChat(client);
    fireEvent.keyDown(box, { key: 'ArrowUp' });
    expect(box.value).toBe('tpyo here');
    expect(screen.getByRole('button', { name: 'Save' })).toBeTruthy();
    fireEvent.change(box, { target: { value: 'typo fixed' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    await act(() => new Promise((resolve) => setTimeout(resolve, 10)));
    // An edit of that message, not a new one.
    expect(client.sent).toEqual([]);
    expect(client.edited).toEqual([{ messageId: 'a-m1', text: 'typo fixed' }]);
  });

  it('refuses an attachment that is not an http(s) link', async () => {
    const client = new FakeClient();
    client.channelList = [channelItem('a')];
    await renderChat(client);
    fireEvent.click(screen.getByRole('button', { name: 'Attach a link' }));
    fireEvent.change(screen.getByRole('textbox', { name: 'Attachment URL' }), { target: { value: 'javascript:alert(1)' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    expect(screen.getByRole('alert').textContent).toMatch(/http/);
  });
});
