import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { HistoryCacheOutcome } from '@heyyo/chat';
import type { QueueStats } from '@heyyo/queue';

export interface MetricsSources {
  queueStats: () => Promise<QueueStats[]>;
  /** Recount requests this process gave up on after retries. */
  enqueueFailures: () => number;
  /** REST requests and socket events in progress, and those refused at the bound (the work gate). */
  inFlight: () => number;
  refused: () => number;
  /** Postgres statements waiting for a connection or running, and the pool's size. */
  statementsInFlight: () => number;
  poolMax: number;
}

/** Seconds: from a cached read (~1 ms) to a request that ran into a deadline (3 s) and beyond. */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface NodeMetrics {
  /** Every metric in the Prometheus text format, and its content type. */
  scrape(): Promise<{ contentType: string; text: string }>;
  /** One HTTP request answered: its route pattern (not its URL: bounded labels), method, status, duration. */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  /** One socket event handled: `ok` or the error code of its ack, and how long it took. */
  observeEvent(event: string, outcome: string, seconds: number): void;
  /** Reports this node's socket connections (a gateway). */
  watchConnections(count: () => number): void;
  /** One Postgres statement: its duration (a wait for a pool connection included) and outcome. */
  observeStatement(seconds: number, ok: boolean): void;
  /** One Redis command on the node's shared client. */
  observeRedisCommand(command: string, seconds: number, ok: boolean): void;
  /** A stored message announced: seconds from the send reaching this node to its message.new leaving it. */
  observeMessageEmit(seconds: number): void;
  /** A history page asked for: served from the node's cache, or rendered by Postgres. */
  observeHistoryCache(outcome: HistoryCacheOutcome): void;
}

/**
 * The node's metrics, for Prometheus (`GET /metrics`): the process (CPU, memory, event-loop lag,
 * GC, heap — prom-client's defaults), HTTP requests and socket events by outcome with durations,
 * the overload bound, queue depth and lag. One registry per node, so nodes sharing a process
 * (tests) never mix their numbers.
 */
export function createNodeMetrics(sources: MetricsSources): NodeMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'heyyo_' });

  const requests = new Histogram({
    name: 'heyyo_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status, with their duration.',
    labelNames: ['method', 'route', 'status'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const events = new Histogram({
    name: 'heyyo_socket_event_duration_seconds',
    help: 'Socket events by event and outcome (ok, or the error code of the ack), with their duration.',
    labelNames: ['event', 'outcome'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  sampled(registry, 'heyyo_in_flight', 'REST requests and socket events in progress on this node (bounded by HEYYO_MAX_IN_FLIGHT).', sources.inFlight);
  const statements = new Histogram({
    name: 'heyyo_postgres_statement_duration_seconds',
    help: 'Postgres statements by outcome (ok, error), from being run (waiting for a pool connection included) to their result.',
    labelNames: ['outcome'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  sampled(
    registry,
    'heyyo_postgres_statements_in_flight',
    'Postgres statements waiting for a pool connection or running; above heyyo_postgres_pool_size, some wait.',
    sources.statementsInFlight,
  );
  new Gauge({ name: 'heyyo_postgres_pool_size', help: 'Connections in the Postgres pool at most.', registers: [registry] }).set(
    sources.poolMax,
  );
  const redisCommands = new Histogram({
    name: 'heyyo_redis_command_duration_seconds',
    help: 'Redis commands on the node’s shared client by command and outcome, from sending to the reply.',
    labelNames: ['command', 'outcome'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const messageEmits = new Histogram({
    name: 'heyyo_message_emit_seconds',
    help: 'From a send reaching this node to its message.new being published (validation, storage, fan-out).',
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const historyPages = new Counter({
    name: 'heyyo_history_cache_requests_total',
    help: 'History pages asked for, by outcome: hit (still current, served from memory) or miss (rendered by Postgres).',
    labelNames: ['outcome'],
    registers: [registry],
  });
  monotonic(registry, 'heyyo_overload_refusals_total', 'Requests and socket events refused at the bound (HEYYO_ERR_OVERLOADED).', sources.refused);
  monotonic(
    registry,
    'heyyo_recount_enqueue_failures_total',
    'Counter recounts that could not be queued after retries (npm run reconcile repairs them).',
    sources.enqueueFailures,
  );

  new Gauge({
    name: 'heyyo_queue_jobs',
    help: 'Jobs per queue and state.',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      for (const queue of await sources.queueStats()) {
        for (const state of ['waiting', 'delayed', 'active', 'failed'] as const) this.set({ queue: queue.queue, state }, queue[state]);
      }
    },
  });
  new Gauge({
    name: 'heyyo_queue_lag_seconds',
    help: 'Age of the oldest job waiting to run.',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      for (const queue of await sources.queueStats()) this.set({ queue: queue.queue }, queue.lagSeconds);
    },
  });

  return {
    async scrape() {
      return { contentType: registry.contentType, text: await registry.metrics() };
    },
    observeRequest(method, route, status, seconds) {
      requests.observe({ method, route, status: String(status) }, seconds);
    },
    observeEvent(event, outcome, seconds) {
      events.observe({ event, outcome }, seconds);
    },
    observeStatement(seconds, ok) {
      statements.observe({ outcome: ok ? 'ok' : 'error' }, seconds);
    },
    observeRedisCommand(command, seconds, ok) {
      redisCommands.observe({ command, outcome: ok ? 'ok' : 'error' }, seconds);
    },
    observeMessageEmit(seconds) {
      messageEmits.observe(seconds);
    },
    observeHistoryCache(outcome) {
      historyPages.inc({ outcome });
    },
    watchConnections(count) {
      sampled(registry, 'heyyo_socket_connections', 'Socket.IO connections on this node.', count);
    },
  };
}

/** A gauge whose value is kept elsewhere: each scrape reads it. */
function sampled(registry: Registry, name: string, help: string, read: () => number): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(read());
    },
  });
}

/** A counter whose value is kept elsewhere (a running total): each scrape adds what it grew by. */
function monotonic(registry: Registry, name: string, help: string, total: () => number): void {
  let reported = 0;
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      const now = total();
      if (now > reported) this.inc(now - reported);
      reported = now;
    },
  });
}
