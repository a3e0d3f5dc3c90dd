import { MAX_PAGE_LIMIT } from './query.js';
import type { PageInfo } from './types.js';

export interface PageRequest {
  page: number;
  page_limit: number;
}

export interface PaginateOptions<P, T> {
  /** Items per request, 1..50 (default 50). */
  pageLimit?: number;
  /** Safety stop for a server that ignores `page` (default 1000 pages). */
  maxPages?: number;
  /** Where a page keeps its items; default `page.data` (upload status uses `uploaded_chunks`). */
  items?: (page: P) => readonly T[];
}

type PageLike = { page_info: PageInfo };

/**
 * Every item of a paginated list, fetching page after page on demand. Stops on an empty page,
 * when `page_info` says the page was the last, when the server answers a different page than
 * asked (it ignores `page`), or after `maxPages`. Errors from `fetchPage` propagate.
 */
export async function* paginate<P extends PageLike, T = P extends { data: readonly (infer I)[] } ? I : never>(
  fetchPage: (request: PageRequest) => Promise<P>,
  options: PaginateOptions<P, T> = {},
): AsyncGenerator<T, void, undefined> {
  const pageLimit = Math.min(MAX_PAGE_LIMIT, Math.max(1, Math.floor(options.pageLimit ?? MAX_PAGE_LIMIT)));
  const maxPages = options.maxPages ?? 1000;
  const itemsOf = options.items ?? ((page: P) => (page as unknown as { data: readonly T[] }).data);

  for (let page = 1; page <= maxPages; page++) {
    const response = await fetchPage({ page, page_limit: pageLimit });
    const items = itemsOf(response);
    const info = response.page_info;
    if (items.length === 0 || info.page !== page) return;
    yield* items;
    if (info.page >= info.total_page) return;
  }
}
