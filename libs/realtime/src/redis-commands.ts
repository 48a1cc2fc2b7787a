import type { Command, Redis } from 'ioredis';

/** One Redis command: its name (a bounded set), how long until its reply, and whether it succeeded. */
export type RedisCommandObserver = (command: string, seconds: number, ok: boolean) => void;

/**
 * Reports every command sent on `redis` (ioredis has no hook for it: its one entry point,
 * sendCommand, is wrapped). The time runs from sending to the reply, so a slow Redis, a
 * saturated connection and a deadline (`commandTimeout`) all show.
 */
export function observeRedisCommands(redis: Redis, observer: RedisCommandObserver): void {
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = ((command: Command, ...rest: unknown[]) => {
    const started = performance.now();
    const settle = (ok: boolean) => observer(command.name, (performance.now() - started) / 1000, ok);
    command.promise.then(
      () => settle(true),
      () => settle(false),
    );
    return (send as (...args: unknown[]) => unknown)(command, ...rest);
  }) as Redis['sendCommand'];
}
