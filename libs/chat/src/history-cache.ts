import type { HistoryPage, RenderedPage } from '@heyyo/database';
import { LRUCache } from 'lru-cache';

export type HistoryCacheOutcome = 'hit' | 'miss';

export interface HistoryCacheOptions {
  /** Characters of page JSON the node keeps at most (0: no cache). */
  maxChars: number;
  /** Each lookup: served from memory, or rendered by Postgres. */
  observe?: (outcome: HistoryCacheOutcome) => void;
}

/** A page's key: its channel and window. A page is the same for every member, so no user. */
const pageKey = (appId: string, channelId: string, page: HistoryPage) => {
  if (page.afterSeq !== undefined) return `${appId}:${channelId}:${page.limit}:after:${page.afterSeq}`;
  if (page.offset) return `${appId}:${channelId}:${page.limit}:offset:${page.offset}`;
  return `${appId}:${channelId}:${page.limit}:before:${page.before?.toISOString() ?? ''}`;
};

/**
 * Rendered history pages, kept while their version (the channel's history version and the app's
 * profile version) is the one they were rendered at. The version is read from Postgres on every
 * request (with the membership check, one statement), and every change to what a page shows
 * bumps it in the statement that makes the change — so a page served from here is the one
 * Postgres would render now, on any node.
 */
export function createHistoryCache(options: HistoryCacheOptions) {
  const pages =
    options.maxChars > 0
      ? new LRUCache<string, RenderedPage & { version: string }>({
          maxSize: options.maxChars,
          sizeCalculation: (page, key) => page.json.length + key.length,
        })
      : undefined;

  return {
    /** The page if it was rendered at `version`; else `render` it (and keep it). */
    async page(
      appId: string,
      channelId: string,
      page: HistoryPage,
      version: string,
      render: () => Promise<RenderedPage>,
    ): Promise<string> {
      if (!pages) return (await render()).json;
      const key = pageKey(appId, channelId, page);
      const cached = pages.get(key);
      if (cached?.version === version) {
        options.observe?.('hit');
        return cached.json;
      }
      options.observe?.('miss');
      const rendered = await render();
      // Kept at the version it was rendered at (never older than `version`): its own snapshot's.
      if (rendered.version !== undefined) pages.set(key, { json: rendered.json, version: rendered.version });
      return rendered.json;
    },
  };
}

export type HistoryCache = ReturnType<typeof createHistoryCache>;
