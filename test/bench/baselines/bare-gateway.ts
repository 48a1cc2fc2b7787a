/**
 * Baseline: bare Socket.IO + @socket.io/redis-adapter speaking Heyyo's message events, with no
 * database and no auth. `auth.channels` (or `?channels=a,b`) → rooms `channel:<id>`;
 * `message.send` → `message.new` to the room (sender included) and an ack.
 * Env: PORT (0), REDIS_URL, BARE_PREFIX (adapter key). Prints `{"msg":"ready","address":…}`.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';

const pub = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const sub = pub.duplicate();
const server = createServer();
const io = new Server(server, { adapter: createAdapter(pub, sub, { key: process.env.BARE_PREFIX ?? 'bare-bench' }) });

io.on('connection', (socket) => {
  const fromAuth = (socket.handshake.auth as { channels?: unknown }).channels;
  const fromQuery = socket.handshake.query.channels;
  const channels = Array.isArray(fromAuth)
    ? fromAuth.map(String)
    : typeof fromQuery === 'string' && fromQuery
      ? fromQuery.split(',')
      : [];
  void socket.join(channels.map((id) => `channel:${id}`));
  socket.on('message.send', (payload: { channelId?: unknown; text?: unknown; metadata?: unknown }, ack?: (response: unknown) => void) => {
    if (typeof payload?.channelId !== 'string') return ack?.({ error: 'channelId required' });
    const message = {
      id: randomUUID(),
      channel_id: payload.channelId,
      text: payload.text ?? null,
      metadata: payload.metadata ?? {},
      created_at: new Date().toISOString(),
    };
    io.to(`channel:${payload.channelId}`).emit('message.new', message);
    ack?.({ message });
  });
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ msg: 'ready', address: `http://127.0.0.1:${port}` })}\n`);
});

const stop = () => {
  io.close();
  pub.disconnect();
  sub.disconnect();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
