import type { PageQuery } from './types.js';

export const MAX_PAGE_LIMIT = 50;

type QueryValue = string | number | boolean | readonly (string | number)[] | undefined;

/** Query string with arrays as repeated keys (`status=ready&status=failed`), as the API expects. */
export function toSearchParams(query: Record<string, QueryValue> | undefined): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      for (const item of value) params.append(key, String(item));
    } else {
      params.append(key, String(value));
    }
  }
  return params;
}

/** `page` at least 1 and `page_limit` within 1..50, so a caller cannot ask for what the API refuses. */
export function clampPageQuery<Q extends PageQuery>(query: Q | undefined): Q | undefined {
  if (!query) return query;
  const clamped = { ...query };
  if (clamped.page !== undefined) clamped.page = Math.max(1, Math.floor(clamped.page));
  if (clamped.page_limit !== undefined) {
    clamped.page_limit = Math.min(MAX_PAGE_LIMIT, Math.max(1, Math.floor(clamped.page_limit)));
  }
  return clamped;
}
