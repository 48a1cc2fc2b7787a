/**
 * A TCP proxy in front of a real server that a test can break in the two ways a dependency
 * fails: `stall()` keeps every connection open and accepts new ones, but forwards nothing
 * either way (a hung or partitioned server: no error, no reply); `cut()` drops every
 * connection and refuses new ones (a server that is down). Test tooling: not part of any package.
 */
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';

export interface StallingProxy {
  /** `host:port` clients connect to. */
  readonly port: number;
  /** From now on nothing is forwarded (bytes are held, not dropped). */
  stall(): void;
  /** Forwards what was held, and everything after. */
  resume(): void;
  /** Drops every connection; new ones are closed at once until `restore()`. */
  cut(): void;
  /** Accepts and forwards connections again. */
  restore(): void;
  /** Closes the listener and every connection. */
  close(): Promise<void>;
}

export async function startStallingProxy(target: { host: string; port: number }): Promise<StallingProxy> {
  let stalled = false;
  let isCut = false;
  const links = new Set<{ flush(): void; destroy(): void }>();

  const server = createServer((client) => {
    if (isCut) {
      client.resetAndDestroy();
      return;
    }
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
    cut() {
      isCut = true;
      for (const link of [...links]) link.destroy();
    },
    restore() {
      isCut = false;
    },
    async close() {
      for (const link of [...links]) link.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
