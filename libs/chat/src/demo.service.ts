import { randomUUID } from 'node:crypto';
import { DEMO_DISPLAY_NAME_MAX, type DemoSessionResponse } from '@heyyo/contracts';
import { generateApiSecret, hashSecret } from '@heyyo/auth';
import type { AppId, Repositories } from '@heyyo/database';
import type { AuthService } from './auth.service.ts';
import type { ChannelsService } from './channels.service.ts';
import { Errors } from './errors.ts';

/** What the demo page's users share: the demo app and its channel `general`. */
export interface DemoSpace {
  appId: AppId;
  channelId: string;
}

export const DEMO_APP_NAME = 'Heyyo demo';
export const DEMO_CHANNEL_NAME = 'general';
/** The demo app's api_key: its marker. Generated keys start with `cb_`, so no tenant's can equal it. */
export const DEMO_APP_KEY = 'heyyo-demo';

/**
 * Finds or creates the demo app, its owner and `general`: idempotent, and safe from several nodes
 * at once (see DemoRepository.ensureSpace).
 */
export async function prepareDemoSpace(repos: Pick<Repositories, 'demo'>): Promise<DemoSpace> {
  const space = await repos.demo.ensureSpace({
    // Nobody ever holds the secret: the node mints demo tokens itself, so only a hash of a random one is stored.
    app: { name: DEMO_APP_NAME, apiKey: DEMO_APP_KEY, apiSecretHash: hashSecret(generateApiSecret()) },
    owner: { externalId: 'demo-owner', displayName: DEMO_APP_NAME },
    channel: { name: DEMO_CHANNEL_NAME, type: 'messaging' },
  });
  return { appId: space.appId, channelId: space.channelId };
}

export interface DemoServiceDeps {
  repos: Pick<Repositories, 'demo'>;
  auth: Pick<AuthService, 'issueUserToken'>;
  channels: Pick<ChannelsService, 'join'>;
}

/** The demo page's sessions (development nodes only): anyone who picks a name gets a user and a token. */
export function createDemoService(deps: DemoServiceDeps) {
  const { repos, auth, channels } = deps;
  return {
    /** prepareDemoSpace: what every session joins. */
    prepare: () => prepareDemoSpace(repos),

    /**
     * A new user (two people may pick the same name), joined to `general` — announced to its
     * members as any join is — with a user token of the default lifetime.
     * @throws 400 for a name that is blank or longer than DEMO_DISPLAY_NAME_MAX once trimmed.
     */
    async startSession(space: DemoSpace, displayName: string): Promise<DemoSessionResponse> {
      const name = displayName.trim();
      // Characters as the schema counts them (code points), not UTF-16 units.
      const length = [...name].length;
      if (length < 1 || length > DEMO_DISPLAY_NAME_MAX) {
        throw Errors.validation(`display_name must be 1 to ${DEMO_DISPLAY_NAME_MAX} characters once trimmed`);
      }
      const externalId = `demo-${randomUUID()}`;
      // Read before signing: the token's exp is never earlier than what this gives.
      const issuedAtSeconds = Math.floor(Date.now() / 1000);
      const minted = await auth.issueUserToken(space.appId, { user_id: externalId, display_name: name });
      await channels.join({ appId: space.appId, userId: minted.user_id, externalId, appRole: 'user' }, space.channelId);
      return {
        token: minted.token,
        user: { id: minted.user_id, external_id: externalId, display_name: name },
        channel_id: space.channelId,
        expires_at: new Date((issuedAtSeconds + minted.expires_in) * 1000).toISOString(),
      };
    },
  };
}

export type DemoService = ReturnType<typeof createDemoService>;
