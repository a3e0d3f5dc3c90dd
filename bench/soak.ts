// React must see NODE_ENV before it loads (see src/bin.ts); gc() needs --expose-gc.
process.env.NODE_ENV = 'production';
if (!(globalThis as { gc?: unknown }).gc) {
  const { spawnSync } = await import('node:child_process');
  const rerun = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', ...process.argv.slice(1)], {
    stdio: 'inherit',
  });
  process.exit(rerun.status ?? 1);
}
await import('./lib/soak-run.js');
