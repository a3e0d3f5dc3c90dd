// React must see NODE_ENV before it loads (see src/bin.ts).
process.env.NODE_ENV = 'production';
await import('./lib/idle-run.js');
