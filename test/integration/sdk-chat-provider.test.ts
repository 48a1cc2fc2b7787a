import { afterAll, describe, expect, it } from 'vitest';
import { HeyyoChatProvider } from '../../libs/sdk/examples/chat-provider.ts';
import { useNodeContext } from '../support/node-context.ts';

/** The seed 000 migration pattern, implemented on the SDK (libs/sdk/examples/chat-provider.ts). */
describe('HeyyoChatProvider', () => {
  const ctx = useNodeContext();
  const providers: HeyyoChatProvider[] = [];
  afterAll(() => providers.forEach((provider) => provider.close()));

  it('sends, watches and lists channels through the ChatProvider interface', async () => {
    const app = await ctx.newApp();
    const [ann, bob] = [await ctx.newUser(app, { externalId: 'ann' }), await ctx.newUser(app, { externalId: 'bob' })];
    const channel = await ctx.newChannel(ann, { name: 'migrated', members: [bob.id] });
    let tokenCalls = 0;
    const watcher = HeyyoChatProvider.connect(ctx.url, async () => (tokenCalls++, bob.token));
    const sender = HeyyoChatProvider.connect(ctx.url, async () => ann.token);
    providers.push(watcher, sender);
    await Promise.all(providers.map((provider) => provider.ready()));

    const seen: string[] = [];
    const stop = watcher.watchChannel(channel.id, (message) => seen.push(`${message.authorId}:${message.text}`));
    const sent = await sender.sendMessage(channel.id, 'Hello!');
    expect(sent).toMatchObject({ channelId: channel.id, authorId: 'ann', text: 'Hello!' });
    const deadline = Date.now() + 5000;
    while (seen.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toEqual(['ann:Hello!']);
    stop();

    await ctx.settled();
    expect(await watcher.listChannels()).toEqual([{ id: channel.id, name: 'migrated', unread: 1 }]);
    expect(tokenCalls).toBe(1);
  });
});
