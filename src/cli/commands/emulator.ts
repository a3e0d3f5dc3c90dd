import { type Command, InvalidArgumentError } from 'commander';
import { FAULT_KEYS, FaultSpecError, parseFaultSpec } from '../../emulator/faults.js';
import { startEmulator } from '../../emulator/server.js';
import { ExitCode, UsageError } from '../errors.js';
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
  activity?: boolean;
  log?: boolean;
}

function parseFaults(value: string): string {
  try {
    parseFaultSpec(value);
  } catch (error) {
    if (error instanceof FaultSpecError) throw new InvalidArgumentError(error.message);
    throw error;
  }
  return value;
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
    .option(
      '--faults <spec>',
      `fault injection, key=value,... with keys ${FAULT_KEYS.join(', ')}; e.g. put-fail=0.2,latency=20ms,rate-limit=120/min,put-rate=25MiB/s,slow-chunks=0.05@5MiB/s`,
      parseFaults,
    )
    .option('--speed <x>', 'emulator clock speed (1 = real time)', parsePositiveNumber, 1)
    .option('--chunk-size <bytes>', 'multipart chunk size (default 5 MiB)', parseIntegerInRange(1, 2 ** 40))
    .option('--api-key <key>', 'accept only this API key (default: any non-empty key)')
    .option('--activity', 'with --seed demo: new tasks, analyses and embeddings keep arriving')
    .option('--log', 'print one line per request on stderr (route template, status, time)')
    .action(async (flags: EmulatorFlags) => {
      let emulator: Awaited<ReturnType<typeof startEmulator>>;
      try {
        emulator = await startEmulator({
          host: flags.host,
          port: flags.port,
          seed: flags.seed,
          faults: flags.faults,
          speed: flags.speed,
          chunkSize: flags.chunkSize,
          apiKey: flags.apiKey,
          activity: flags.activity,
          onRequest: flags.log
            ? ({ route, status, ms }) => io.stderr.write(`${status} ${route} ${ms.toFixed(1)}ms\n`)
            : undefined,
        });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE')
          throw new UsageError(`port ${flags.port} on ${flags.host} is already in use`);
        if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
          throw new UsageError(`cannot listen on ${flags.host}: no such local address`);
        }
        throw error;
      }
      io.stdout.write(`listening on ${emulator.origin}\n`);
      io.stdout.write(
        `base URL ${emulator.baseUrl} (seed ${flags.seed}, speed ${flags.speed}x, faults ${flags.faults ?? 'none'}); admin API at ${emulator.origin}/_emulator/\n`,
      );
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
