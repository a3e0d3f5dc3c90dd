/**
 * One upload for bench/upload-memory.ts, in a process of its own so its peak RSS is its own:
 *   tsx bench/upload-memory-child.ts <bare|tltop|sdk> <baseUrl> <file> <concurrency>
 * Prints one JSON line: {seconds, max_rss_bytes}.
 */
import { stat } from 'node:fs/promises';
import { bareUpload, sdkUpload, tltopUpload } from './upload-common.js';

const [subject, baseUrl, file, concurrencyText] = process.argv.slice(2);
const concurrency = Number(concurrencyText);
if (!baseUrl || !file || !(concurrency > 0))
  throw new Error('usage: <bare|tltop|sdk> <baseUrl> <file> <concurrency>');
const size = (await stat(file)).size;
const run =
  subject === 'bare'
    ? await bareUpload(baseUrl, file, size, concurrency)
    : subject === 'tltop'
      ? await tltopUpload(baseUrl, file, concurrency)
      : await sdkUpload(baseUrl, file);
process.stdout.write(
  `${JSON.stringify({ seconds: run.seconds, max_rss_bytes: process.resourceUsage().maxRSS * 1024 })}\n`,
);
