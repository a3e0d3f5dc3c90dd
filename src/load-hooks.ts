import module from 'node:module';

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
