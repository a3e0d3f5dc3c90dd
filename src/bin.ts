#!/usr/bin/env node
// React must see NODE_ENV before it loads: dev mode retains heap on every frame.
process.env.NODE_ENV ??= 'production';

const { main } = await import('./index.js');
process.exitCode = await main(process.argv.slice(2));
