/**
 * The Grafana dashboard (infra/grafana-dashboard.json) and the Helm chart's alerts
 * (k8s/templates/prometheusrule.yaml) name only metrics a node really exports: a renamed metric
 * fails here, not on an operator's empty panel or silent alert.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useNodeContext } from '../support/node-context.ts';
import { emitWithAck } from '../support/sockets.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const METRIC = /\bheyyo_[a-z0-9_]+/g;

/** Every series name /metrics can carry: each declared metric, and a histogram's _bucket, _count and _sum. */
function exportedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name!);
    if (type === 'histogram') for (const suffix of ['_bucket', '_count', '_sum']) names.add(`${name}${suffix}`);
  }
  return names;
}

describe('the dashboard and the alerts', () => {
  const ctx = useNodeContext();

  it('use only metrics a node exports', async () => {
    // Traffic of every kind, so every labelled metric has series.
    const user = await ctx.newUser();
    const channel = await ctx.newChannel(user);
    const socket = await ctx.connect(user.token);
    await emitWithAck(socket, 'message.send', { channelId: channel.id, text: 'for the dashboard' });
    await ctx.settled();
    const exported = exportedNames(await (await fetch(`${ctx.url}/metrics`)).text());

    const dashboard = JSON.parse(readFileSync(`${ROOT}infra/grafana-dashboard.json`, 'utf8')) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    const dashboardNames = dashboard.panels.flatMap((panel) => panel.targets.flatMap((target) => target.expr.match(METRIC) ?? []));
    const alertNames = readFileSync(`${ROOT}k8s/templates/prometheusrule.yaml`, 'utf8')
      .split('\n')
      .filter((line) => line.trim().startsWith('expr:') || line.includes('heyyo_'))
      .flatMap((line) => line.match(METRIC) ?? []);

    expect(dashboardNames.length).toBeGreaterThan(10);
    expect(alertNames.length).toBeGreaterThanOrEqual(4);
    expect([...new Set(dashboardNames)].filter((name) => !exported.has(name))).toEqual([]);
    expect([...new Set(alertNames)].filter((name) => !exported.has(name))).toEqual([]);
  });
});
