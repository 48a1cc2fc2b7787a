/** One real all-roles node as a child process (what `npm start` runs), per test file. */
import { afterAll, beforeAll } from 'vitest';
import { startNodeProcess, type NodeProcess } from './node-process.ts';
import { createFactories, type Factories } from './factories.ts';
import { fetchRequester } from './node-context.ts';
import { fileResources } from './resources.ts';

export interface NodeProcessContext extends Factories {
  readonly node: NodeProcess;
  /** The node's base URL. */
  readonly url: string;
}

export function useNodeProcess(label: string, env: Record<string, string> = {}): NodeProcessContext {
  const resources = fileResources(label);
  let node: NodeProcess | undefined;
  const current = () => {
    if (!node) throw new Error('the node process is used before beforeAll ran');
    return node;
  };

  beforeAll(async () => {
    await resources.createDatabase();
    node = await startNodeProcess('all-in-one', { env: { ...resources.env, LOG_LEVEL: 'info', ...env } });
  });

  afterAll(async () => {
    await node?.stop();
    await resources.release();
  });

  return {
    get node() {
      return current();
    },
    get url() {
      return current().url;
    },
    ...createFactories(
      fetchRequester(() => current().url),
      () => undefined,
    ),
  };
}
