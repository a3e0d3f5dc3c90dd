/**
 * `tltop emulator` in its own process, so a benchmark's CPU and heap figures are the
 * client's alone. Loopback only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface EmulatorProcess {
  origin: string;
  baseUrl: string;
  /** request counts by route and status, from the admin API */
  stats(): Promise<{ requests: Record<string, Record<string, number>> }>;
  stop(): Promise<void>;
}

export async function startEmulatorProcess(args: readonly string[]): Promise<EmulatorProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/bin.ts', 'emulator', '--host', '127.0.0.1', '--port', '0', ...args],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let origin: string | undefined;
  for await (const line of createInterface({ input: child.stdout! })) {
    const match = /^listening on (\S+)/.exec(line);
    if (match) {
      origin = match[1]!;
      break;
    }
  }
  if (!origin) throw new Error('the emulator exited before listening');
  child.stdout!.resume();
  return {
    origin,
    baseUrl: `${origin}/v1.3`,
    async stats() {
      const response = await fetch(`${origin}/_emulator/stats`);
      return (await response.json()) as { requests: Record<string, Record<string, number>> };
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** API requests in a stats answer (the admin routes left out). */
export function apiRequests(stats: { requests: Record<string, Record<string, number>> }): number {
  return Object.entries(stats.requests)
    .filter(([route]) => !route.includes('_emulator'))
    .flatMap(([, byStatus]) => Object.values(byStatus))
    .reduce((sum, count) => sum + count, 0);
}
