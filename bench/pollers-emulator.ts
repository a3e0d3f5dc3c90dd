/**
 * The emulator for bench/pollers.ts, in its own process so the benchmark's CPU figures
 * are the client's alone. Prints `listening on <origin>`; stops on SIGTERM.
 */
import { startEmulator } from '../src/emulator/server.js';

const speed = Number(process.argv[2] ?? '1');
const emulator = await startEmulator({ seed: 'demo', speed, host: '127.0.0.1', port: 0 });
process.stdout.write(`listening on ${emulator.origin}\n`);
process.on('SIGTERM', () => {
  void emulator.close().then(() => process.exit(0));
});
