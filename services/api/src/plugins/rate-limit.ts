import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { ErrorCodes } from '@heyyo/contracts';
import { createError } from '@heyyo/chat';

export interface RateLimitOptions {
  max: number;
  windowMs: number;
  /** Counters shared by every API node; without Redis (the memory engine's single node), in this process. */
  redis: Redis | undefined;
  /** Key prefix of the counters. */
  nameSpace: string;
}

/** Users are limited by identity, tenant backends by app, anonymous callers by IP. */
function rateLimitKey(request: FastifyRequest): string {
  if (request.tenant) return `app:${request.tenant}`;
  if (request.actor) return `user:${request.actor.appId}:${request.actor.userId}`;
  return `ip:${request.ip}`;
}

export async function registerRateLimit(app: FastifyInstance, options: RateLimitOptions): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    // After auth, so limits apply per user rather than per shared NAT address.
    hook: 'preHandler',
    max: options.max,
    timeWindow: options.windowMs,
    keyGenerator: rateLimitKey,
    ...(options.redis ? { redis: options.redis, nameSpace: options.nameSpace } : {}),
    // Stay up when Redis hiccups: a missed limit beats a failed request.
    skipOnError: true,
    errorResponseBuilder: (_request, context) =>
      createError(ErrorCodes.RATE_LIMITED, `Rate limit exceeded, retry in ${context.after}`, 429),
  });
}
