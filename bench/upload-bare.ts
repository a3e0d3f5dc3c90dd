/**
 * The bare loopback PUT loop: the floor any uploader pays. N workers pull the next chunk index,
 * stream its byte range into an undici PUT with an MD5 tap and compare the ETag; URLs are
 * fetched 50 at a time as needed, reports go in batches of 50 at the end. No retries, no
 * journal, no progress. No relative imports, so plain `node` runs it (type stripping):
 *
 *   node bench/upload-bare.ts <baseUrl> <file> <concurrency>   -> {"seconds", "max_rss_bytes"}
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';

export const MiB = 1024 ** 2;
export const API_KEY = 'tlk_bench000000000000000000';

export interface UploadRun {
  seconds: number;
  assetId: string;
}

interface Json {
  [key: string]: unknown;
}

async function jsonCall(pool: Pool, method: 'POST' | 'GET', path: string, body?: unknown): Promise<Json> {
  const response = await pool.request({
    method,
    path,
    headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await response.body.json()) as Json;
  if (response.statusCode >= 300)
    throw new Error(`${method} ${path}: ${response.statusCode} ${JSON.stringify(json)}`);
  return json;
}

export async function bareUpload(
  baseUrl: string,
  path: string,
  size: number,
  concurrency: number,
): Promise<UploadRun> {
  const origin = new URL(baseUrl).origin;
  const api = new Pool(origin, { connections: 2 });
  const storage = new Pool(origin, { connections: concurrency });
  try {
    const started = performance.now();
    const session = await jsonCall(api, 'POST', '/v1.3/assets/multipart-uploads', {
      filename: 'bench.mp4',
      type: 'video',
      total_size: size,
    });
    const uploadId = session.upload_id as string;
    const chunkSize = session.chunk_size as number;
    const total = session.total_chunks as number;
    const headers = session.upload_headers as Record<string, string>;
    const urls = new Map<number, string>();
    for (const entry of session.upload_urls as { chunk_index: number; url: string }[])
      urls.set(entry.chunk_index, entry.url);
    const fetching = new Map<number, Promise<void>>();
    const urlFor = async (index: number): Promise<string> => {
      const start = Math.floor((index - 1) / 50) * 50 + 1;
      if (!urls.has(index)) {
        if (!fetching.has(start)) {
          fetching.set(
            start,
            jsonCall(api, 'POST', `/v1.3/assets/multipart-uploads/${uploadId}/presigned-urls`, {
              start,
              count: Math.min(50, total - start + 1),
            }).then((answer) => {
              for (const entry of answer.upload_urls as { chunk_index: number; url: string }[]) {
                urls.set(entry.chunk_index, entry.url);
              }
            }),
          );
        }
        await fetching.get(start);
      }
      return urls.get(index)!;
    };
    const etags: { chunk_index: number; proof: string; proof_type: 'etag'; chunk_size: number }[] = [];
    let next = 1;
    const worker = async () => {
      while (next <= total) {
        const index = next++;
        const offset = (index - 1) * chunkSize;
        const length = Math.min(chunkSize, size - offset);
        const url = new URL(await urlFor(index));
        const md5 = createHash('md5');
        const body = createReadStream(path, {
          start: offset,
          end: offset + length - 1,
          highWaterMark: MiB,
        }).pipe(
          new Transform({
            transform(piece: Buffer, _encoding, callback) {
              md5.update(piece);
              callback(null, piece);
            },
          }),
        );
        const response = await storage.request({
          method: 'PUT',
          path: `${url.pathname}${url.search}`,
          headers: { ...headers, 'content-length': String(length) },
          body,
        });
        await response.body.dump();
        const etag = String(response.headers.etag ?? '').replace(/"/g, '');
        if (response.statusCode !== 200 || etag !== md5.digest('hex'))
          throw new Error(`chunk ${index} failed`);
        etags.push({ chunk_index: index, proof: etag, proof_type: 'etag', chunk_size: length });
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    let assetId = '';
    for (let start = 0; start < etags.length; start += 50) {
      const answer = await jsonCall(api, 'POST', `/v1.3/assets/multipart-uploads/${uploadId}`, {
        completed_chunks: etags.slice(start, start + 50),
      });
      assetId = answer.asset_id as string;
    }
    return { seconds: (performance.now() - started) / 1000, assetId };
  } finally {
    await api.close();
    await storage.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [baseUrl, file, concurrency] = process.argv.slice(2);
  if (!baseUrl || !file || !(Number(concurrency) > 0))
    throw new Error('usage: <baseUrl> <file> <concurrency>');
  const run = await bareUpload(baseUrl, file, (await stat(file)).size, Number(concurrency));
  process.stdout.write(
    `${JSON.stringify({ seconds: run.seconds, max_rss_bytes: process.resourceUsage().maxRSS * 1024 })}\n`,
  );
}
