import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { registerConfigCommand } from './commands/config.js';
import { registerEmulatorCommand } from './commands/emulator.js';
import { registerStatusCommand } from './commands/status.js';
import { registerTuiCommand } from './commands/tui.js';
import { ExitCode, oneLine, UsageError } from './errors.js';

export interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Builds the whole command tree. Each command's action resolves to an exit code. */
export function buildProgram(io: CommandIo, setExitCode: (code: number) => void): Command {
  const program = new Command('tltop')
    .description('A full-screen terminal dashboard for the TwelveLabs API v1.3')
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(`tltop: ${oneLine(text.replace(/^error: /, ''))}\n`),
    })
    .exitOverride();

  registerEmulatorCommand(program, io, setExitCode);
  registerConfigCommand(program, io, setExitCode);
  registerStatusCommand(program, io, setExitCode);
  registerTuiCommand(program, io, setExitCode);
  return program;
}

/** Runs tltop with the given arguments and returns the process exit code. */
export async function run(argv: string[], io: CommandIo): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return ExitCode.ok;
      if (error.code === 'commander.help') return ExitCode.ok;
      return ExitCode.usage;
    }
    io.stderr.write(`tltop: ${oneLine(error)}\n`);
    return error instanceof UsageError ? ExitCode.usage : ExitCode.failed;
  }
}
