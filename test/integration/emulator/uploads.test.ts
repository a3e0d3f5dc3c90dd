import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { call, expectClassicError, ID, ISO } from './call.js';

const CHUNK = 1024;
let emu: TestEmulator;

beforeEach(async () => {
  emu = await startTestEmulator({ chunkSize: CHUNK });
});
afterEach(async () => {
  await emu.close();
});

async function createUpload(totalSize: number, filename = 'clip.mp4') {
  const created = await call(emu, 'POST', '/assets/multipart-uploads', {
    body: { filename, type: 'video', total_size: totalSize },
  });
  expect(created.status).toBe(201);
  return created.body as {
    upload_id: string;
    asset_id: string;
    upload_urls: { chunk_index: number; url: string; expires_at: string }[];
    chunk_size: number;
    total_chunks: number;
  };
}

async function put(url: string, bytes: Buffer) {
  const response = await fetch(url, {
    method: 'PUT',
    body: bytes,
    headers: { 'content-type': 'application/octet-stream' },
  });
  return { status: response.status, etag: response.headers.get('etag'), text: await response.text() };
}

function chunkOf(data: Buffer, index: number): Buffer {
  return data.subarray((index - 1) * CHUNK, index * CHUNK);
}

function proofFor(bytes: Buffer) {
  return createHash('md5').update(bytes).digest('hex');
}

async function presign(uploadId: string, start: number, count: number) {
  return call(emu, 'POST', `/assets/multipart-uploads/${uploadId}/presigned-urls`, {
    body: { start, count },
  });
}

async function report(
  uploadId: string,
  chunks: { index: number; bytes: Buffer; proof?: string; size?: number }[],
) {
  return call(emu, 'POST', `/assets/multipart-uploads/${uploadId}`, {
    body: {
      completed_chunks: chunks.map((chunk) => ({
        chunk_index: chunk.index,
        proof: chunk.proof ?? proofFor(chunk.bytes),
        proof_type: 'etag',
        chunk_size: chunk.size ?? chunk.bytes.length,
      })),
    },
  });
}

describe('create', () => {
  test('201 with server-chosen chunk size, an initial batch of 10 signed URLs and 24 h expiry', async () => {
    const created = await createUpload(25 * CHUNK + 10);
    expect(created.upload_id).toMatch(ID);
    expect(created.asset_id).toMatch(ID);
    expect(created.chunk_size).toBe(CHUNK);
    expect(created.total_chunks).toBe(26);
    expect(created.upload_urls.map((url) => url.chunk_index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const url of created.upload_urls) {
      expect(url.url.startsWith(`${emu.origin}/_storage/`)).toBe(true);
      expect(url.expires_at).toMatch(ISO);
    }
    const body = (await call(emu, 'GET', `/assets/${created.asset_id}`)).body;
    expect(body.status).toBe('processing');
    expect(body.method).toBe('multipart');
  });

  test('a small file gets as many URLs as it has chunks', async () => {
    const created = await createUpload(CHUNK * 2);
    expect(created.upload_urls).toHaveLength(2);
  });

  test.each([
    [{ type: 'video', total_size: 10 }, 'parameter_not_provided'],
    [{ filename: 'a.mp4', total_size: 10 }, 'parameter_not_provided'],
    [{ filename: 'a.mp4', type: 'video' }, 'parameter_not_provided'],
    [{ filename: 'a.mp4', type: 'document', total_size: 10 }, 'parameter_invalid'],
    [{ filename: 'a.mp4', type: 'video', total_size: 0 }, 'parameter_invalid'],
    [{ filename: 'a.mp4', type: 'video', total_size: '10' }, 'parameter_invalid'],
    [{ filename: 'a.mp4', type: 'video', total_size: 1.5 }, 'parameter_invalid'],
    [{ filename: 42, type: 'video', total_size: 10 }, 'parameter_invalid'],
    [{ filename: 'x'.repeat(256), type: 'video', total_size: 10 }, 'parameter_invalid'],
    [{ filename: 'big.png', type: 'image', total_size: 33 * 1024 * 1024 }, 'parameter_invalid'],
    [{ filename: 'huge.mp4', type: 'video', total_size: 11 * 1024 ** 3 }, 'parameter_invalid'],
    [{ filename: 'a.mp4', type: 'video', total_size: 10, enable_hls: 'yes' }, 'parameter_invalid'],
  ])('bad body %j -> 400 %s', async (body, code) => {
    expectClassicError(await call(emu, 'POST', '/assets/multipart-uploads', { body }), 400, code);
  });
});

describe('chunk PUT', () => {
  test('answers a quoted MD5 ETag and keeps the bytes on disk in a temp dir removed on close', async () => {
    const created = await createUpload(CHUNK * 2);
    expect(emu.emulator.storageDir).toBeUndefined();
    const bytes = randomBytes(CHUNK);
    const response = await put(created.upload_urls[0]!.url, bytes);
    expect(response.status).toBe(200);
    expect(response.etag).toBe(`"${proofFor(bytes)}"`);
    const dir = emu.emulator.storageDir!;
    expect(readdirSync(join(dir, created.upload_id))).toEqual(['1']);
    expect(emu.stats().bytes_received).toBe(CHUNK);
    await emu.close();
    expect(existsSync(dir)).toBe(false);
    emu = await startTestEmulator({ chunkSize: CHUNK });
  });

  test('a tampered signature, a URL for another chunk and an unsigned URL get 403', async () => {
    const created = await createUpload(CHUNK * 2);
    const url = new URL(created.upload_urls[0]!.url);
    const signature = url.searchParams.get('X-Signature')!;
    url.searchParams.set('X-Signature', `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`);
    expect((await put(url.href, randomBytes(10))).status).toBe(403);

    const other = new URL(created.upload_urls[0]!.url);
    other.pathname = other.pathname.replace(/\/1$/, '/2');
    const wrongChunk = await put(other.href, randomBytes(10));
    expect(wrongChunk.status).toBe(403);
    expect(wrongChunk.text).toContain('SignatureDoesNotMatch');

    const padded = new URL(created.upload_urls[0]!.url);
    padded.pathname = padded.pathname.replace(/\/1$/, '/01');
    expect((await put(padded.href, randomBytes(10))).status).toBe(403);

    const unsigned = new URL(created.upload_urls[0]!.url);
    unsigned.search = '';
    expect((await put(unsigned.href, randomBytes(10))).status).toBe(403);
  });

  test('an expired URL gets 403; fresh URLs from presigned-urls work', async () => {
    emu.setFaults('url-ttl=30s');
    const created = await createUpload(CHUNK * 2);
    emu.advanceClock(31);
    const expired = await put(created.upload_urls[0]!.url, randomBytes(CHUNK));
    expect(expired.status).toBe(403);
    expect(expired.text).toContain('expired');
    const fresh = await presign(created.upload_id, 1, 2);
    expect(fresh.status).toBe(200);
    expect((await put(fresh.body.upload_urls[0].url, randomBytes(CHUNK))).status).toBe(200);
  });

  test('the same URL can be used again (SDK retries reuse it); the last PUT wins', async () => {
    const created = await createUpload(CHUNK * 2);
    const first = randomBytes(CHUNK);
    const second = randomBytes(CHUNK);
    await put(created.upload_urls[0]!.url, first);
    const again = await put(created.upload_urls[0]!.url, second);
    expect(again.etag).toBe(`"${proofFor(second)}"`);
    expectClassicError(
      await report(created.upload_id, [{ index: 1, bytes: first }]),
      400,
      'parameter_invalid',
    );
    expect((await report(created.upload_id, [{ index: 1, bytes: second }])).status).toBe(200);
  });
});

describe('report and status', () => {
  test('a whole upload: partial reports, duplicates, url only on completion, status pages, digest, asset ready', async () => {
    const data = randomBytes(CHUNK * 12 + 100);
    const created = await createUpload(data.length);
    const more = await presign(created.upload_id, 11, 5);
    expect(more.body).toMatchObject({ upload_id: created.upload_id, start_index: 11, count: 3 });
    const urls = [...created.upload_urls, ...more.body.upload_urls] as { chunk_index: number; url: string }[];
    expect(urls.map((url) => url.chunk_index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    for (const url of urls) expect((await put(url.url, chunkOf(data, url.chunk_index))).status).toBe(200);

    const chunks = urls.map((url) => ({ index: url.chunk_index, bytes: chunkOf(data, url.chunk_index) }));
    const first = await report(created.upload_id, chunks.slice(0, 5));
    expect(first.body).toEqual({
      asset_id: created.asset_id,
      processed_chunks: 5,
      duplicate_chunks: 0,
      total_completed: 5,
    });
    expect(first.body.url).toBeUndefined();

    const status = await call(
      emu,
      'GET',
      `/assets/multipart-uploads/${created.upload_id}?page=2&page_limit=4`,
    );
    expect(status.body.status).toBe('active');
    expect(
      status.body.uploaded_chunks.map((chunk: { index: number; status: string }) => [
        chunk.index,
        chunk.status,
      ]),
    ).toEqual([
      [5, 'completed'],
      [6, 'pending'],
      [7, 'pending'],
      [8, 'pending'],
    ]);
    expect(status.body.uploaded_chunks[0].uploaded_at).toMatch(ISO);
    expect(status.body).toMatchObject({
      chunks_completed: 5,
      chunks_failed: 0,
      chunks_pending: 8,
      total_size: data.length,
      uploaded_size: 5 * CHUNK,
      page_info: { page: 2, limit_per_page: 4, total_page: 4, total_results: 13 },
    });

    const duplicated = await report(created.upload_id, [...chunks.slice(3, 8), chunks[7]!]);
    expect(duplicated.body).toMatchObject({ processed_chunks: 3, duplicate_chunks: 3, total_completed: 8 });
    expect(duplicated.body.url).toBeUndefined();

    const last = await report(created.upload_id, chunks.slice(8));
    expect(last.body).toMatchObject({ processed_chunks: 5, duplicate_chunks: 0, total_completed: 13 });
    expect(last.body.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);

    const done = await call(emu, 'GET', `/assets/multipart-uploads/${created.upload_id}`);
    expect(done.body).toMatchObject({
      status: 'completed',
      chunks_completed: 13,
      chunks_pending: 0,
      uploaded_size: data.length,
    });
    expect(await emu.digest(created.asset_id)).toEqual({
      size: data.length,
      sha256: createHash('sha256').update(data).digest('hex'),
    });
    const download = Buffer.from(await (await fetch(last.body.url)).arrayBuffer());
    expect(download.equals(data)).toBe(true);

    const incomplete = await call(emu, 'GET', '/assets/multipart-uploads');
    expect(incomplete.body.data).toEqual([]);
    expect((await call(emu, 'GET', `/assets/${created.asset_id}`)).body.status).toBe('processing');
    emu.advanceClock(60);
    const asset = (await call(emu, 'GET', `/assets/${created.asset_id}`)).body;
    expect(asset).toMatchObject({ status: 'ready', size: data.length, filename: 'clip.mp4' });
  });

  test('a PUT to an already reported chunk is answered but does not replace its bytes', async () => {
    const data = randomBytes(CHUNK * 2);
    const created = await createUpload(data.length);
    await put(created.upload_urls[0]!.url, chunkOf(data, 1));
    await report(created.upload_id, [{ index: 1, bytes: chunkOf(data, 1) }]);
    const other = randomBytes(CHUNK);
    const late = await put(created.upload_urls[0]!.url, other);
    expect(late.etag).toBe(`"${proofFor(other)}"`);
    await put(created.upload_urls[1]!.url, chunkOf(data, 2));
    await report(created.upload_id, [{ index: 2, bytes: chunkOf(data, 2) }]);
    expect((await emu.digest(created.asset_id)).sha256).toBe(createHash('sha256').update(data).digest('hex'));
  });

  test('a PUT still arriving when its chunk gets reported does not replace the reported bytes', async () => {
    const data = randomBytes(CHUNK);
    const created = await createUpload(data.length);
    const url = new URL(created.upload_urls[0]!.url);
    const socket = connect(Number(url.port), url.hostname);
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(`PUT ${url.pathname}${url.search} HTTP/1.1\r\nHost: x\r\nContent-Length: ${CHUNK}\r\n\r\n`);
    socket.write(randomBytes(CHUNK / 2));
    await put(created.upload_urls[0]!.url, data);
    expect((await report(created.upload_id, [{ index: 1, bytes: data }])).body.url).toBeDefined();
    const answer = new Promise<string>((resolve) =>
      socket.once('data', (piece) => resolve(piece.toString())),
    );
    socket.write(randomBytes(CHUNK / 2));
    expect(await answer).toMatch(/^HTTP\/1\.1 200/);
    expect((await emu.digest(created.asset_id)).sha256).toBe(createHash('sha256').update(data).digest('hex'));
    socket.destroy();
  });

  test('reporting again after completion is counted as duplicates and still returns the url', async () => {
    const data = randomBytes(CHUNK);
    const created = await createUpload(data.length);
    await put(created.upload_urls[0]!.url, data);
    expect((await report(created.upload_id, [{ index: 1, bytes: data }])).body.url).toBeDefined();
    const again = await report(created.upload_id, [{ index: 1, bytes: data }]);
    expect(again.body).toMatchObject({ processed_chunks: 0, duplicate_chunks: 1, total_completed: 1 });
    expect(again.body.url).toBeDefined();
  });

  test('bad reports: never PUT, wrong ETag (chunk marked failed), wrong size, bad index, bad proof_type', async () => {
    const data = randomBytes(CHUNK * 3);
    const created = await createUpload(data.length);
    await put(created.upload_urls[0]!.url, chunkOf(data, 1));
    await put(created.upload_urls[1]!.url, chunkOf(data, 2).subarray(0, 100));

    expectClassicError(
      await report(created.upload_id, [{ index: 3, bytes: chunkOf(data, 3) }]),
      400,
      'parameter_invalid',
    );
    const wrong = await report(created.upload_id, [
      { index: 1, bytes: chunkOf(data, 1), proof: 'd41d8cd98f00b204e9800998ecf8427e' },
    ]);
    expectClassicError(wrong, 400, 'parameter_invalid');
    expect(wrong.body.message).toContain('proof');
    const status = await call(emu, 'GET', `/assets/multipart-uploads/${created.upload_id}`);
    expect(status.body.uploaded_chunks[0]).toMatchObject({
      index: 1,
      status: 'failed',
      error: expect.any(String),
    });
    expect(status.body.chunks_failed).toBe(1);

    expectClassicError(
      await report(created.upload_id, [{ index: 1, bytes: chunkOf(data, 1), size: 99 }]),
      400,
      'parameter_invalid',
    );
    const short = chunkOf(data, 2).subarray(0, 100);
    expectClassicError(
      await report(created.upload_id, [{ index: 2, bytes: short }]),
      400,
      'parameter_invalid',
    );
    expectClassicError(
      await report(created.upload_id, [{ index: 4, bytes: chunkOf(data, 1) }]),
      400,
      'parameter_invalid',
    );
    expectClassicError(
      await report(created.upload_id, [{ index: 0, bytes: chunkOf(data, 1) }]),
      400,
      'parameter_invalid',
    );
    const badType = await call(emu, 'POST', `/assets/multipart-uploads/${created.upload_id}`, {
      body: {
        completed_chunks: [
          { chunk_index: 1, proof: proofFor(chunkOf(data, 1)), proof_type: 'md5', chunk_size: CHUNK },
        ],
      },
    });
    expectClassicError(badType, 400, 'parameter_invalid');
    expectClassicError(
      await call(emu, 'POST', `/assets/multipart-uploads/${created.upload_id}`, { body: {} }),
      400,
      'parameter_not_provided',
    );
    expectClassicError(
      await call(emu, 'POST', `/assets/multipart-uploads/${created.upload_id}`, {
        body: { completed_chunks: 'all' },
      }),
      400,
      'parameter_invalid',
    );

    // A failed chunk recovers once it is reported with the right proof.
    const fixed = await report(created.upload_id, [{ index: 1, bytes: chunkOf(data, 1) }]);
    expect(fixed.body).toMatchObject({ processed_chunks: 1, total_completed: 1 });
    const after = await call(emu, 'GET', `/assets/multipart-uploads/${created.upload_id}`);
    expect(after.body.uploaded_chunks[0].status).toBe('completed');
  });

  test('a rejected batch changes nothing for its valid chunks', async () => {
    const data = randomBytes(CHUNK * 2);
    const created = await createUpload(data.length);
    await put(created.upload_urls[0]!.url, chunkOf(data, 1));
    const rejected = await report(created.upload_id, [
      { index: 1, bytes: chunkOf(data, 1) },
      { index: 2, bytes: chunkOf(data, 2) },
    ]);
    expectClassicError(rejected, 400, 'parameter_invalid');
    const status = await call(emu, 'GET', `/assets/multipart-uploads/${created.upload_id}`);
    expect(status.body.chunks_completed).toBe(0);
  });

  test('unknown and malformed upload ids', async () => {
    const unknown = 'a'.repeat(24);
    expectClassicError(
      await call(emu, 'GET', `/assets/multipart-uploads/${unknown}`),
      404,
      'resource_not_exist',
    );
    expectClassicError(
      await call(emu, 'GET', '/assets/multipart-uploads/not-an-id'),
      400,
      'parameter_invalid',
    );
    expectClassicError(await report(unknown, []), 404, 'resource_not_exist');
    expectClassicError(await presign(unknown, 1, 1), 404, 'resource_not_exist');
  });
});

describe('presigned URLs', () => {
  test('count 1..50, start within the upload, clamped at the end', async () => {
    const created = await createUpload(CHUNK * 60);
    const fifty = await presign(created.upload_id, 1, 50);
    expect(fifty.body.upload_urls).toHaveLength(50);
    expect(fifty.body.generated_at).toMatch(ISO);
    expect(Date.parse(fifty.body.expires_at) - Date.parse(fifty.body.generated_at)).toBe(3_600_000);
    expectClassicError(await presign(created.upload_id, 1, 51), 400, 'parameter_invalid');
    expectClassicError(await presign(created.upload_id, 1, 0), 400, 'parameter_invalid');
    expectClassicError(await presign(created.upload_id, 0, 5), 400, 'parameter_invalid');
    expectClassicError(await presign(created.upload_id, 61, 1), 400, 'parameter_invalid');
    const tail = await presign(created.upload_id, 55, 50);
    expect(tail.body.upload_urls.map((url: { chunk_index: number }) => url.chunk_index)).toEqual([
      55, 56, 57, 58, 59, 60,
    ]);
    expectClassicError(
      await call(emu, 'POST', `/assets/multipart-uploads/${created.upload_id}/presigned-urls`, {
        body: { start: 1 },
      }),
      400,
      'parameter_not_provided',
    );
    expectClassicError(
      await call(emu, 'POST', `/assets/multipart-uploads/${created.upload_id}/presigned-urls`, {
        body: { start: '1', count: 2 },
      }),
      400,
      'parameter_invalid',
    );
  });
});

describe('session expiry', () => {
  test('after 24 h of emulator clock the session is expired: listed as such, reports and URLs refused', async () => {
    const data = randomBytes(CHUNK * 2);
    const created = await createUpload(data.length);
    await put(created.upload_urls[0]!.url, chunkOf(data, 1));
    emu.advanceClock(24 * 3600 + 1);
    const status = await call(emu, 'GET', `/assets/multipart-uploads/${created.upload_id}`);
    expect(status.body.status).toBe('expired');
    const listed = await call(emu, 'GET', '/assets/multipart-uploads');
    expect(listed.body.data).toMatchObject([
      { upload_id: created.upload_id, status: 'expired', total_chunks: 2 },
    ]);
    expectClassicError(
      await report(created.upload_id, [{ index: 1, bytes: chunkOf(data, 1) }]),
      400,
      'upload_expired',
    );
    expectClassicError(await presign(created.upload_id, 1, 2), 400, 'upload_expired');
    expect((await put(created.upload_urls[1]!.url, chunkOf(data, 2))).status).toBe(403);
  });
});
