import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { apps, channels, users } from '../schema.ts';
import { verifiedAppId, type AppId } from '../tenant.ts';
import { insertChannelWithMembers } from './channels.repository.ts';

/** Any fixed number besides the migrations' (provision.ts): every node that prepares the demo takes the same lock. */
const DEMO_SPACE_LOCK_ID = 7_140_002;

/** The demo's app, the user who owns its channel, and the channel: what `ensureSpace` finds or creates. */
export interface DemoSpaceSpec {
  /** Found by its api_key (unique), which no generated key can equal; the hash is stored only when the app is created. */
  app: { name: string; apiKey: string; apiSecretHash: string };
  owner: { externalId: string; displayName: string };
  channel: { name: string; type: string };
}

export interface DemoSpaceRecord {
  appId: AppId;
  ownerId: string;
  channelId: string;
}

export function createDemoRepository(db: Database) {
  return {
    /**
     * Finds the demo app, its owner and the owner's channel, creating what is missing, in one
     * transaction under an advisory lock: nodes that start together against one database wait for
     * each other, so there is one app and one channel however many prepare it at once.
     */
    async ensureSpace(spec: DemoSpaceSpec): Promise<DemoSpaceRecord> {
      return db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(${DEMO_SPACE_LOCK_ID})`);
        const [foundApp] = await tx.select({ id: apps.id }).from(apps).where(eq(apps.apiKey, spec.app.apiKey)).limit(1);
        const app = foundApp ?? (await tx.insert(apps).values(spec.app).returning({ id: apps.id }))[0]!;
        const appId = verifiedAppId(app.id);

        const ownerKey = and(eq(users.appId, appId), eq(users.externalId, spec.owner.externalId));
        const [foundOwner] = await tx.select({ id: users.id }).from(users).where(ownerKey).limit(1);
        const owner =
          foundOwner ??
          (await tx.insert(users).values({ appId, ...spec.owner }).returning({ id: users.id }))[0]!;

        // The owner's channel of that name: demo users may create channels named alike.
        const [foundChannel] = await tx
          .select({ id: channels.id })
          .from(channels)
          .where(
            and(eq(channels.appId, appId), eq(channels.createdBy, owner.id), eq(channels.name, spec.channel.name), isNull(channels.deletedAt)),
          )
          .limit(1);
        const channel =
          foundChannel ??
          (await insertChannelWithMembers(
            tx,
            appId,
            { ...spec.channel, description: null, metadata: {}, createdBy: owner.id },
            [],
          ));
        return { appId, ownerId: owner.id, channelId: channel.id };
      });
    },
  };
}

export type DemoRepository = ReturnType<typeof createDemoRepository>;
