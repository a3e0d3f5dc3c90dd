#!/usr/bin/env node
// React must see NODE_ENV before it loads: dev mode retains heap on every frame.
process.env.NODE_ENV ??= 'production';

// undici 8 and Ink 8 fail on older Node with a stack trace; say it in one line instead.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(`tltop: needs Node.js 22.12 or newer (this is ${process.versions.node})\n`);
  process.exit(2);
}

let main: (argv: string[]) => Promise<number>;
try {
  const hooks = await import('./load-hooks.js');
  hooks.enableCompileCache();
  hooks.installLoadHooks();
  ({ main } = await import('./index.js'));
} catch (error) {
  // a broken or partial install: one line, not a stack trace
  const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
  process.stderr.write(`tltop: cannot load its own modules (${reason}); reinstall tltop\n`);
  process.exit(1);
}
process.exitCode = await main(process.argv.slice(2));
