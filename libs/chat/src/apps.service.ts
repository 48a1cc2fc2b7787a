import type { AppSummary, CreatedApp } from '@heyyo/contracts';
import { generateApiKey, generateApiSecret, hashSecret } from '@heyyo/auth';
import type { Page, Repositories } from '@heyyo/database';
import { presentAppSummary } from './presenters.ts';

/** Tenant management: admin operations, guarded by the API's admin check. */
export function createAppsService(deps: { repos: Pick<Repositories, 'apps'> }) {
  const { repos } = deps;
  return {
    /** Creates an app; its secret is returned here once and stored only as a hash. */
    async create(name: string): Promise<CreatedApp> {
      const apiSecret = generateApiSecret();
      const app = await repos.apps.insert({ name, apiKey: generateApiKey(), apiSecretHash: hashSecret(apiSecret) });
      return {
        ...presentAppSummary(app),
        api_secret: apiSecret,
        message: 'Store your API secret securely. It will not be shown again.',
      };
    },

    async list(page: Page): Promise<{ items: AppSummary[]; total: number }> {
      const [rows, total] = await Promise.all([repos.apps.list(page), repos.apps.count()]);
      return { items: rows.map(presentAppSummary), total };
    },
  };
}

export type AppsService = ReturnType<typeof createAppsService>;
