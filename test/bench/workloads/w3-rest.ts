/** W3 REST: POST and GET …/messages with autocannon, against a Fastify hello world. */
import autocannon, { type AutocannonResult } from 'autocannon';
import type { HeyyoCluster } from '../lib/environment.ts';
import { startScript } from '../lib/processes.ts';
import type { Row } from '../lib/report.ts';
import { createChannel, type BenchUser } from '../lib/rest.ts';

export interface W3Options {
  connections: number;
  durationS: number;
  /** Channels the POSTs rotate over (one channel would serialize on its seq row lock). */
  channels: number;
}

export interface RestFigures {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
}

const figures = (result: AutocannonResult): RestFigures => ({
  requestsPerSecond: result.requests.average,
  p50: result.latency.p50,
  p99: result.latency.p99,
  max: result.latency.max,
  non2xx: result.non2xx,
  errors: result.errors + result.timeouts,
});

export async function runW3(heyyo: HeyyoCluster, user: BenchUser, options: W3Options, log: (line: string) => void) {
  const channelIds: string[] = [];
  for (let index = 0; index < options.channels; index++) channelIds.push(await createChannel(heyyo.apiUrl, [user]));
  const headers = { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' };
  let next = 0;
  const post = figures(
    await autocannon({
      url: heyyo.apiUrl,
      connections: options.connections,
      duration: options.durationS,
      requests: [
        {
          method: 'POST',
          headers,
          setupRequest: (request) => ({
            ...request,
            path: `/api/channels/${channelIds[next++ % channelIds.length]}/messages`,
            body: JSON.stringify({ text: 'bench', metadata: { sentAt: Date.now() } }),
          }),
        },
      ],
    }),
  );
  log(`W3 ours POST …/messages: ${JSON.stringify(post)}`);
  const get = figures(
    await autocannon({
      url: `${heyyo.apiUrl}/api/channels/${channelIds[0]}/messages?limit=50`,
      connections: options.connections,
      duration: options.durationS,
      headers: { authorization: `Bearer ${user.token}` },
    }),
  );
  log(`W3 ours GET …/messages?limit=50: ${JSON.stringify(get)}`);
  const getWhileWritten = await whileWritten(heyyo.apiUrl, channelIds[0]!, headers, () =>
    autocannon({
      url: `${heyyo.apiUrl}/api/channels/${channelIds[0]}/messages?limit=50`,
      connections: options.connections,
      duration: options.durationS,
      headers: { authorization: `Bearer ${user.token}` },
    }),
  );
  const get2 = figures(getWhileWritten.result);
  log(`W3 ours GET …/messages?limit=50 while the channel gets a message every ${WRITE_EVERY_MS} ms: ${JSON.stringify(get2)}, ${getWhileWritten.writes} writes`);

  const hello = await startScript('hello-world', 'test/bench/baselines/hello-world.ts', {});
  let helloGet: RestFigures;
  let helloPost: RestFigures;
  try {
    helloGet = figures(await autocannon({ url: hello.url, connections: options.connections, duration: options.durationS }));
    log(`W3 hello GET: ${JSON.stringify(helloGet)}`);
    helloPost = figures(
      await autocannon({
        url: hello.url,
        connections: options.connections,
        duration: options.durationS,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'bench', metadata: { sentAt: 0 } }),
      }),
    );
    log(`W3 hello POST: ${JSON.stringify(helloPost)}`);
  } finally {
    await hello.stop();
  }
  const B = 'Fastify hello world';
  const W = `W3 REST (${options.connections} connections, ${options.durationS} s)`;
  const errorsNote = (f: RestFigures) => (f.non2xx || f.errors ? `${f.non2xx} non-2xx, ${f.errors} errors` : '');
  const rows: Row[] = [
    { workload: W, metric: 'POST …/messages req/s', unit: '/s', ours: post.requestsPerSecond, baseline: helloPost.requestsPerSecond, baselineName: `${B} POST`, note: errorsNote(post) },
    { workload: W, metric: 'POST …/messages p50 / p99', unit: 'ms', ours: post.p50, baseline: helloPost.p50, baselineName: `${B} POST`, note: `p99 ours ${post.p99} ms, hello ${helloPost.p99} ms` },
    { workload: W, metric: 'GET …/messages?limit=50 req/s', unit: '/s', ours: get.requestsPerSecond, baseline: helloGet.requestsPerSecond, baselineName: `${B} GET`, note: errorsNote(get) },
    { workload: W, metric: 'GET …/messages p50 / p99', unit: 'ms', ours: get.p50, baseline: helloGet.p50, baselineName: `${B} GET`, note: `p99 ours ${get.p99} ms, hello ${helloGet.p99} ms` },
    { workload: W, metric: `GET …/messages?limit=50 req/s, a message every ${WRITE_EVERY_MS} ms`, unit: '/s', ours: get2.requestsPerSecond, baseline: helloGet.requestsPerSecond, baselineName: `${B} GET`, note: `p50 ${get2.p50} ms, p99 ${get2.p99} ms; each write makes the cached page stale ${errorsNote(get2)}`.trim() },
  ];
  return { post, get, getWhileWritten: get2, helloGet, helloPost, rows };
}

/** A message to the channel every WRITE_EVERY_MS while `measure` runs: each makes its cached pages stale. */
const WRITE_EVERY_MS = 100;

async function whileWritten<T>(apiUrl: string, channelId: string, headers: Record<string, string>, measure: () => Promise<T>) {
  let writes = 0;
  let writing = Promise.resolve();
  const timer = setInterval(() => {
    writing = writing.then(async () => {
      const response = await fetch(`${apiUrl}/api/channels/${channelId}/messages`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ text: 'bench write', metadata: { sentAt: Date.now() } }),
      });
      if (response.ok) writes++;
    });
  }, WRITE_EVERY_MS);
  try {
    return { result: await measure(), writes };
  } finally {
    clearInterval(timer);
    await writing;
  }
}
