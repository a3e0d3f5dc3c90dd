import { mkdirSync, statSync } from 'node:fs';
import module from 'node:module';
import { dirname, join } from 'node:path';
import envPaths from 'env-paths';

/**
 * Node's on-disk compile cache (V8 code cache of every module loaded) in this user's own cache
 * dir, `~/.cache/tltop/compile-cache` on Linux: the next start skips parsing and compiling,
 * about a tenth of the dashboard's first frame. Never a shared temp dir (Node's default), where
 * another user could plant code. Nothing changes when the directory cannot be written, when
 * NODE_DISABLE_COMPILE_CACHE is set, or on a Node without the API.
 */
export function enableCompileCache(): void {
  if (typeof module.enableCompileCache !== 'function') return;
  try {
    const dir = join(envPaths('tltop', { suffix: '' }).cache, 'compile-cache');
    // one level at a time, under a cache dir that exists: a recursive mkdir can spin forever
    // where HOME is unusable (HOME=/proc)
    if (!statSync(dirname(dirname(dir))).isDirectory()) return;
    for (const path of [dirname(dir), dir]) {
      try {
        mkdirSync(path, { mode: 0o700 });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return;
      }
    }
    module.enableCompileCache(dir);
  } catch {
    // a start-up speed-up only
  }
}

/**
 * Ink imports one function, `throttle`, from the `es-toolkit/compat` barrel, which loads 415
 * modules (about a third of the dashboard's start-up). Ink's import is answered with a module
 * that re-exports only `throttle`, from es-toolkit's own `compat/throttle` entry point, resolved
 * from Ink's location. test/unit/load-hooks.test.ts checks Ink still imports nothing else.
 * Without module.registerHooks (Node < 22.15) nothing changes.
 */
export function installLoadHooks(): void {
  if (typeof module.registerHooks !== 'function') return;
  module.registerHooks({
    resolve(specifier, context, nextResolve) {
      if (specifier !== 'es-toolkit/compat' || !isInk(context.parentURL))
        return nextResolve(specifier, context);
      let throttle: string;
      try {
        throttle = nextResolve('es-toolkit/compat/throttle', context).url;
      } catch {
        return nextResolve(specifier, context);
      }
      const source = `export { default as throttle } from ${JSON.stringify(throttle)};`;
      return { url: `data:text/javascript,${encodeURIComponent(source)}`, shortCircuit: true };
    },
  });
}

function isInk(parentUrl: string | undefined): boolean {
  return parentUrl !== undefined && /\/node_modules\/ink\/build\//.test(parentUrl);
}
