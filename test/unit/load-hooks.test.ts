import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BIN, cleanEnv, NODE, ROOT } from '../integration/cli/run-cli.js';

const run = promisify(execFile);

/** Every `import ... from 'es-toolkit...'` in Ink's build. */
async function inkImportsOfEsToolkit(): Promise<string[]> {
  const buildDir = join(ROOT, 'node_modules', 'ink', 'build');
  const files = (await readdir(buildDir, { recursive: true })).filter((file) => file.endsWith('.js'));
  const imports: string[] = [];
  for (const file of files) {
    const text = await readFile(join(buildDir, file), 'utf8');
    imports.push(...(text.match(/import[^;]*?from\s*['"]es-toolkit[^'"]*['"]/g) ?? []));
  }
  return imports;
}

/** Imports `target` in a child Node with the built load hooks; returns the es-toolkit files it loaded. */
async function esToolkitFilesLoaded(target: string, withHooks: boolean): Promise<number> {
  const script = `
    import module from 'node:module';
    const seen = new Set();
    module.registerHooks({ load(url, context, next) { seen.add(url); return next(url, context); } });
    ${withHooks ? `(await import(${JSON.stringify(join(ROOT, 'dist', 'load-hooks.js'))})).installLoadHooks();` : ''}
    const ink = await import(${JSON.stringify(target)});
    if (typeof ink.render !== 'function') throw new Error('ink did not load');
    console.log([...seen].filter((url) => url.includes('/es-toolkit/')).length);
  `;
  const { stdout } = await run(NODE, ['--input-type=module', '-e', script], { cwd: ROOT });
  return Number(stdout.trim());
}

describe('load hooks (src/load-hooks.ts)', () => {
  it("Ink imports only throttle from es-toolkit/compat (what the hook's module provides)", async () => {
    expect(await inkImportsOfEsToolkit()).toEqual([`import { throttle } from 'es-toolkit/compat'`]);
  });

  it('Ink loads and renders with a handful of es-toolkit files instead of the whole compat barrel', async () => {
    const ink = join(ROOT, 'node_modules', 'ink', 'build', 'index.js');
    const without = await esToolkitFilesLoaded(ink, false);
    const withHooks = await esToolkitFilesLoaded(ink, true);
    expect(without).toBeGreaterThan(100);
    expect(withHooks).toBeGreaterThan(0);
    expect(withHooks).toBeLessThan(10);
  });

  it("keeps Node's compile cache in the user's own cache dir (0700), and skips it where HOME is unusable", async () => {
    const home = await mkdtemp(join(tmpdir(), 'tltop-compile-cache-'));
    try {
      await mkdir(join(home, '.cache'));
      const env = cleanEnv({ HOME: home, XDG_CACHE_HOME: '' });
      expect((await run(NODE, [BIN, '--version'], { env })).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
      const cache = join(home, '.cache', 'tltop', 'compile-cache');
      expect((await stat(cache)).mode & 0o777).toBe(0o700);
      expect((await readdir(cache)).length).toBeGreaterThan(0);
      // a recursive mkdir under /proc never returns: the start must not hang on it
      const unusable = await run(NODE, [BIN, '--version'], {
        env: cleanEnv({ HOME: '/proc' }),
        timeout: 10_000,
      });
      expect(unusable.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
