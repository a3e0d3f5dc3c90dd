// React must see NODE_ENV before it loads (dev mode retains heap per frame); see src/bin.ts.
process.env.NODE_ENV = 'production';
await import('./render-run.js');
