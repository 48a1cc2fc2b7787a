/**
 * A TCP proxy that can stop answering: while stalled it keeps every connection open and
 * accepts new ones, but forwards nothing either way (what a hung or partitioned Redis looks
 * like to its clients: no error, no reply). Test tooling: not part of any package.
 */
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';

export interface StallingProxy {
  /** `host:port` clients connect to. */
  readonly port: number;
  /** From now on nothing is forwarded (bytes are held, not dropped). */
  stall(): void;
  /** Forwards what was held, and everything after. */
  resume(): void;
  /** Closes the listener and every connection. */
  close(): Promise<void>;
}

export async function startStallingProxy(target: { host: string; port: number }): Promise<StallingProxy> {
  let stalled = false;
  const links = new Set<{ flush(): void; destroy(): void }>();

  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    const held: [Socket, Buffer][] = [];
    const forward = (to: Socket) => (chunk: Buffer) => {
      if (stalled) held.push([to, chunk]);
      else to.write(chunk);
    };
    client.on('data', forward(upstream));
    upstream.on('data', forward(client));
    const link = {
      flush() {
        for (const [to, chunk] of held.splice(0)) to.write(chunk);
      },
      destroy() {
        client.destroy();
        upstream.destroy();
      },
    };
    links.add(link);
    const end = () => {
      links.delete(link);
      link.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on('error', end);
      socket.on('close', end);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    port: (server.address() as AddressInfo).port,
    stall() {
      stalled = true;
    },
    resume() {
      stalled = false;
      for (const link of links) link.flush();
    },
    async close() {
      for (const link of [...links]) link.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
