import type { FastifyReply, FastifyRequest } from 'fastify';
import { MAX_PAGE_OFFSET } from '@heyyo/contracts';
import { Errors } from '@heyyo/chat';

/** Where a list page starts, however the caller asked: `limit` with `offset`, or with `page`. */
export interface ListPage {
  limit: number;
  offset: number;
  /** How the caller pages, so the Link header answers in kind. */
  style: 'offset' | 'page';
}

/**
 * The page a list query asks for.
 * @throws 400 for `page` together with `offset`, or a `page` past MAX_PAGE_OFFSET.
 */
export function listPage(query: { limit?: number; offset?: number; page?: number }, defaultLimit: number): ListPage {
  const limit = query.limit ?? defaultLimit;
  if (query.page === undefined) return { limit, offset: query.offset ?? 0, style: 'offset' };
  if (query.offset !== undefined) throw Errors.validation('Use either page or offset, not both');
  const offset = (query.page - 1) * limit;
  if (offset > MAX_PAGE_OFFSET) throw Errors.validation(`page × limit must stay within ${MAX_PAGE_OFFSET} items: narrow the list with its filters`);
  return { limit, offset, style: 'page' };
}

/** The request's own URL (path and query) with the paging parameters of `offset` instead. */
function pageUrl(request: FastifyRequest, page: ListPage, offset: number): string {
  const url = new URL(request.url, 'http://x');
  url.searchParams.delete('offset');
  url.searchParams.delete('page');
  url.searchParams.set('limit', String(page.limit));
  if (page.style === 'page') url.searchParams.set('page', String(Math.floor(offset / page.limit) + 1));
  else url.searchParams.set('offset', String(offset));
  return `${url.pathname}${url.search}`;
}

/**
 * Tells the caller how many items the whole list holds (`X-Total-Count`) and where its other
 * pages are (`Link`, RFC 8288: first, prev, next, last, as paths of this origin) — in the
 * style the caller pages with.
 */
export function sendListTotals(request: FastifyRequest, reply: FastifyReply, page: ListPage, total: number): void {
  const lastOffset = Math.min(Math.max(0, Math.ceil(total / page.limit) - 1) * page.limit, MAX_PAGE_OFFSET);
  const links: [string, number][] = [['first', 0]];
  if (page.offset > 0) links.push(['prev', Math.max(0, Math.min(page.offset - page.limit, lastOffset))]);
  if (page.offset + page.limit < total && page.offset + page.limit <= MAX_PAGE_OFFSET) links.push(['next', page.offset + page.limit]);
  links.push(['last', lastOffset]);
  reply.header('x-total-count', String(total));
  reply.header('link', links.map(([rel, offset]) => `<${pageUrl(request, page, offset)}>; rel="${rel}"`).join(', '));
}

/** A page of a list with the list's size: its items answered, the totals in headers. */
export interface CountedPage<T> {
  items: T[];
  total: number;
}

/** Answers a counted page: its items as the body, X-Total-Count and Link as headers. */
export function answerPage<T>(request: FastifyRequest, reply: FastifyReply, page: ListPage, counted: CountedPage<T>): T[] {
  sendListTotals(request, reply, page, counted.total);
  return counted.items;
}
