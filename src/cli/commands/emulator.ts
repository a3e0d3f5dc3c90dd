import type { Command } from 'commander';
import { startEmulator } from '../../emulator/server.js';
import { ExitCode } from '../errors.js';
import { parseChoice, parseIntegerInRange, parsePositiveNumber } from '../parse.js';
import type { CommandIo } from '../program.js';

interface EmulatorFlags {
  port: number;
  host: string;
  seed: 'demo' | 'empty';
  faults?: string;
  speed: number;
  chunkSize?: number;
  apiKey?: string;
}

export function registerEmulatorCommand(
  program: Command,
  io: CommandIo,
  setExitCode: (code: number) => void,
) {
  program
    .command('emulator')
    .description('run a local TwelveLabs API v1.3 emulator (what tests, benchmarks and --demo use)')
    .option('--port <n>', 'port to listen on (0 picks a free one)', parseIntegerInRange(0, 65535), 0)
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .option('--seed <name>', 'initial data: demo or empty', parseChoice(['demo', 'empty'] as const), 'demo')
    .option('--faults <spec>', 'fault injection, e.g. put-fail=0.2,api-5xx=0.05,latency=20ms')
    .option('--speed <x>', 'emulator clock speed (1 = real time)', parsePositiveNumber, 1)
    .option('--chunk-size <bytes>', 'multipart chunk size', parseIntegerInRange(1, 2 ** 40))
    .option('--api-key <key>', 'accept only this API key (default: any non-empty key)')
    .action(async (flags: EmulatorFlags) => {
      const emulator = await startEmulator({
        host: flags.host,
        port: flags.port,
        seed: flags.seed,
        faults: flags.faults,
        speed: flags.speed,
        chunkSize: flags.chunkSize,
        apiKey: flags.apiKey,
      });
      io.stdout.write(`listening on ${emulator.origin}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void emulator.close().then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      setExitCode(ExitCode.ok);
    });
}
