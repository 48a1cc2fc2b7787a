import type { QueueStats } from '@heyyo/queue';

export interface MetricsSources {
  queueStats: () => Promise<QueueStats[]>;
  /** Recount requests this process gave up on after retries. */
  enqueueFailures: () => number;
  /** Local Socket.IO connections, when this node is a gateway. */
  connections?: () => number;
}

/** The node's metrics in the Prometheus text format. */
export async function collectMetrics(sources: MetricsSources): Promise<string> {
  const lines: string[] = [];
  const metric = (type: 'gauge' | 'counter') => (name: string, help: string, samples: [labels: string, value: number][]) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
  };
  const gauge = metric('gauge');
  const stats = await sources.queueStats();
  gauge(
    'heyyo_queue_jobs',
    'Jobs per queue and state.',
    stats.flatMap((queue) =>
      (['waiting', 'delayed', 'active', 'failed'] as const).map(
        (state): [string, number] => [`{queue="${queue.queue}",state="${state}"}`, queue[state]],
      ),
    ),
  );
  gauge(
    'heyyo_queue_lag_seconds',
    'Age of the oldest job waiting to run.',
    stats.map((queue): [string, number] => [`{queue="${queue.queue}"}`, queue.lagSeconds]),
  );
  metric('counter')(
    'heyyo_recount_enqueue_failures_total',
    'Counter recounts that could not be queued after retries (npm run reconcile repairs them).',
    [['', sources.enqueueFailures()]],
  );
  if (sources.connections) gauge('heyyo_socket_connections', 'Socket.IO connections on this node.', [['', sources.connections()]]);
  gauge('heyyo_process_resident_memory_bytes', 'Resident set size.', [['', process.memoryUsage().rss]]);
  return `${lines.join('\n')}\n`;
}
