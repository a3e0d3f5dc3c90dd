import { queryInteger } from './input.js';

export const MAX_PAGE_LIMIT = 50;

export interface PageRequest {
  page: number;
  limit: number;
}

export function pageRequest(query: URLSearchParams): PageRequest {
  return {
    page: queryInteger(query, 'page', 1, 1, Number.MAX_SAFE_INTEGER),
    limit: queryInteger(query, 'page_limit', 10, 1, MAX_PAGE_LIMIT),
  };
}

/** One page of `items`; a page past the end is an empty list, as the SDK pagers expect. */
export function paginate<T>(items: readonly T[], request: PageRequest) {
  const start = (request.page - 1) * request.limit;
  return {
    items: items.slice(start, start + request.limit),
    page_info: {
      limit_per_page: request.limit,
      page: request.page,
      total_page: Math.ceil(items.length / request.limit),
      total_results: items.length,
    },
  };
}
