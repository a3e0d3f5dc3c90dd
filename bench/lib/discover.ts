/**
 * Which files in bench/ are benchmarks: every top-level .ts/.tsx file except the runner and
 * the report, and except modules another bench file imports or spawns (a quoted path to it
 * in a sibling, e.g. './upload-common.js', './render-run.js', 'bench/pollers-emulator.ts').
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

const NOT_BENCHMARKS = new Set(['run', 'report']);
/** Cheapest first, so a short run still covers most goals. */
const ORDER = [
  'first-frame',
  'idle',
  'api-client',
  'pollers',
  'upload-throughput',
  'upload-sdk',
  'upload-memory',
  'render',
  'soak',
];

export async function discoverBenchmarks(dir: string): Promise<string[]> {
  const files = (await readdir(dir)).filter((file) => /\.tsx?$/.test(file));
  const texts = new Map<string, string>();
  for (const file of files) texts.set(file, await readFile(join(dir, file), 'utf8'));
  const names = files.map((file) => file.replace(/\.tsx?$/, ''));
  const used = new Set(
    names.filter((name) =>
      files.some(
        (other) => other.replace(/\.tsx?$/, '') !== name && quotedPath(name).test(texts.get(other)!),
      ),
    ),
  );
  const rank = (name: string) => (ORDER.includes(name) ? ORDER.indexOf(name) : ORDER.length);
  return names
    .filter((name) => !NOT_BENCHMARKS.has(name) && !used.has(name))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

function quotedPath(name: string): RegExp {
  return new RegExp(`['"\`](?:\\./|bench/)${name.replace(/[.-]/g, '\\$&')}\\.(?:js|ts|tsx)['"\`]`);
}

export function benchFile(dir: string, name: string, files: readonly string[]): string {
  return join(dir, files.find((file) => file.replace(/\.tsx?$/, '') === name)!);
}
