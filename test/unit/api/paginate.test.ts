import { describe, expect, test } from 'vitest';
import { type PageRequest, paginate } from '../../../src/api/paginate.js';
import type { Page } from '../../../src/api/types.js';

/** A list of `total` numbers served page by page, the way the API pages. */
function pagedList(total: number, options: { ignorePage?: boolean; totalPage?: number } = {}) {
  const requests: PageRequest[] = [];
  const fetchPage = async (request: PageRequest): Promise<Page<number>> => {
    requests.push(request);
    const page = options.ignorePage ? 1 : request.page;
    const start = (page - 1) * request.page_limit;
    const data = Array.from(
      { length: Math.max(0, Math.min(request.page_limit, total - start)) },
      (_, i) => start + i,
    );
    const totalPage = options.totalPage ?? Math.ceil(total / request.page_limit);
    return {
      data,
      page_info: { page, limit_per_page: request.page_limit, total_page: totalPage, total_results: total },
    };
  };
  return { fetchPage, requests };
}

async function collect<T>(iterator: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterator) items.push(item);
  return items;
}

describe('paginate', () => {
  test('walks every page with page_limit 50 and stops at the last one', async () => {
    const { fetchPage, requests } = pagedList(120);
    const items = await collect(paginate(fetchPage));
    expect(items).toEqual(Array.from({ length: 120 }, (_, i) => i));
    expect(requests).toEqual([
      { page: 1, page_limit: 50 },
      { page: 2, page_limit: 50 },
      { page: 3, page_limit: 50 },
    ]);
  });

  test('stops on an empty page when page_info claims more', async () => {
    const { fetchPage, requests } = pagedList(10, { totalPage: 99 });
    expect(await collect(paginate(fetchPage, { pageLimit: 5 }))).toHaveLength(10);
    expect(requests.map((request) => request.page)).toEqual([1, 2, 3]);
  });

  test('stops when the server ignores page instead of looping forever', async () => {
    const { fetchPage, requests } = pagedList(100, { ignorePage: true });
    expect(await collect(paginate(fetchPage, { pageLimit: 10 }))).toHaveLength(10);
    expect(requests).toHaveLength(2);
  });

  test('clamps page_limit to 50 and honours maxPages', async () => {
    const { fetchPage, requests } = pagedList(1000);
    expect(await collect(paginate(fetchPage, { pageLimit: 500, maxPages: 2 }))).toHaveLength(100);
    expect(requests.every((request) => request.page_limit === 50)).toBe(true);
  });

  test('reads items from another field (upload status chunks)', async () => {
    const fetchPage = async ({ page }: PageRequest) => ({
      uploaded_chunks: page === 1 ? [{ index: 1 }, { index: 2 }] : [],
      page_info: { page, limit_per_page: 50, total_page: 2, total_results: 2 },
    });
    const chunks = await collect(paginate(fetchPage, { items: (page) => page.uploaded_chunks }));
    expect(chunks).toEqual([{ index: 1 }, { index: 2 }]);
  });

  test('an error from a page propagates', async () => {
    const fetchPage = async () => {
      throw new Error('boom');
    };
    await expect(collect(paginate(fetchPage))).rejects.toThrow('boom');
  });
});
