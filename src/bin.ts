#!/usr/bin/env node
// React must see NODE_ENV before it loads: dev mode retains heap on every frame.
process.env.NODE_ENV ??= 'production';

// undici 8 and Ink 8 fail on older Node with a stack trace; say it in one line instead.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(`tltop: needs Node.js 22.12 or newer (this is ${process.versions.node})\n`);
  process.exit(2);
}

const { main } = await import('./index.js');
process.exitCode = await main(process.argv.slice(2));
