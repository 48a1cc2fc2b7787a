import type { AppId, Repositories, UserRecord } from '@heyyo/database';
import {
  presentExportedAppBan,
  presentExportedMembership,
  presentExportedMessage,
  presentExportedReaction,
  presentExportedRestriction,
  presentUser,
} from './presenters.ts';

/** Rows read from Postgres per page while an export streams: what one user's export holds in memory. */
export const EXPORT_PAGE_ROWS = 1000;

/** Channels whose messages are looked up per page (one index probe each). */
const EXPORT_CHANNEL_PAGE = 100;

/** Every page of a keyset-paged read, until one comes back short. */
async function* pages<T, C>(read: (after: C | null, limit: number) => Promise<T[]>, cursorOf: (last: T) => C, limit = EXPORT_PAGE_ROWS) {
  let after: C | null = null;
  for (;;) {
    const page = await read(after, limit);
    if (page.length > 0) yield page;
    if (page.length < limit) return;
    after = cursorOf(page[page.length - 1]!);
  }
}

/** A JSON array, one chunk per page of items. */
async function* jsonArray<T>(source: AsyncIterable<T[]>, present: (item: T) => unknown): AsyncGenerator<string> {
  let first = true;
  yield '[';
  for await (const page of source) {
    const items = page.map((item) => JSON.stringify(present(item))).join(',');
    yield first ? items : `,${items}`;
    first = false;
  }
  yield ']';
}

/**
 * Everything stored about the user, as the chunks of one JSON document (the UserExport shape, in
 * its key order), read page by page as the response is consumed: memory stays at a page whatever
 * the user wrote. The pages are separate reads, so a change made meanwhile may show in part.
 */
export async function* userExportChunks(
  repos: Pick<Repositories, 'userData' | 'moderation'>,
  appId: AppId,
  user: UserRecord,
): AsyncGenerator<string> {
  const data = repos.userData;
  const userId = user.id;
  yield `{"exported_at":${JSON.stringify(new Date().toISOString())},"user":${JSON.stringify(presentUser(user))}`;
  yield `,"token_revocations":{"tokens_valid_after":${JSON.stringify(user.tokensValidAfter?.toISOString() ?? null)},"revoked_tokens":`;
  yield* jsonArray(
    pages((afterJti: string | null, limit) => data.revokedTokens(appId, userId, { afterJti, limit }), (last) => last.jti),
    (token) => ({ jti: token.jti, expires_at: token.expiresAt.toISOString() }),
  );
  const appBan = await repos.moderation.appBanOf(appId, userId);
  yield `},"moderation":{"app_ban":${JSON.stringify(appBan ? presentExportedAppBan(appBan) : null)},"channel_restrictions":`;
  yield* jsonArray(
    pages(
      (after: { channelId: string; kind: string } | null, limit) => repos.moderation.restrictionsOf(appId, userId, { after, limit }),
      (last) => ({ channelId: last.channelId, kind: last.kind }),
    ),
    presentExportedRestriction,
  );
  yield '},"memberships":';
  yield* jsonArray(
    pages((afterChannelId: string | null, limit) => data.memberships(appId, userId, { afterChannelId, limit }), (last) => last.channelId),
    presentExportedMembership,
  );
  yield ',"reactions":';
  yield* jsonArray(
    pages(
      (after: { messageId: string; type: string } | null, limit) => data.reactions(appId, userId, { after, limit }),
      (last) => ({ messageId: last.messageId, type: last.type }),
    ),
    presentExportedReaction,
  );
  yield ',"messages":';
  yield* jsonArray(messagePages(repos, appId, userId), presentExportedMessage);
  yield '}';
}

/** The user's messages a page at a time: by channel (id order), then seq. */
async function* messagePages(repos: Pick<Repositories, 'userData'>, appId: AppId, userId: string) {
  const data = repos.userData;
  const channelPages = pages(
    (afterChannelId: string | null, limit) => data.channelsWithMessages(appId, userId, { afterChannelId, limit, unerasedOnly: false }),
    (last) => last,
    EXPORT_CHANNEL_PAGE,
  );
  for await (const channelIds of channelPages) {
    for (const channelId of channelIds) {
      yield* pages((afterSeq: number | null, limit) => data.messages(appId, userId, channelId, { afterSeq: afterSeq ?? 0, limit }), (last) => last.seq);
    }
  }
}
