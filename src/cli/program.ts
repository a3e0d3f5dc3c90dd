import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { registerConfigCommand } from './commands/config.js';
import { registerEmulatorCommand } from './commands/emulator.js';
import { registerResumeCommand } from './commands/resume.js';
import { registerStatusCommand } from './commands/status.js';
import { registerTuiCommand } from './commands/tui.js';
import { registerUploadCommand } from './commands/upload.js';
import { ExitCode, oneLine, UsageError } from './errors.js';

export interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const EXAMPLES = `
Examples:
  tltop                                    the dashboard (the demo when no key is configured)
  tltop --demo                             the dashboard on a built-in emulator with demo data
  TWELVELABS_API_KEY=tlk_... tltop         connect a real account
  tltop config                             add a profile (the key is asked without echo)
  tltop config set-profile prod --key-command "pass show twelvelabs" --use
  tltop status --profile prod --json       one snapshot of uploads and running tasks, for scripts
  tltop emulator --port 4000               a local TwelveLabs API for tests and SDKs

Settings come from flags, then TWELVELABS_API_KEY / TWELVELABS_BASE_URL / TLTOP_PROFILE,
then the profile in $XDG_CONFIG_HOME/tltop/config.json (see tltop config path).
`;

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

  program.addHelpText('after', EXAMPLES);
  registerEmulatorCommand(program, io, setExitCode);
  registerConfigCommand(program, io, setExitCode);
  registerStatusCommand(program, io, setExitCode);
  registerUploadCommand(program, io, setExitCode);
  registerResumeCommand(program, io, setExitCode);
  registerTuiCommand(program, io, setExitCode);
  return program;
}

function commandNames(program: Command): string[] {
  return program.commands.flatMap((command) => [command.name(), ...command.aliases()]);
}

/** Connection options (addConnectionOptions) may come before the command: `tltop --profile prod status`. */
const LEADING_OPTIONS: ReadonlyMap<string, 'value' | 'flag'> = new Map([
  ['--api-key', 'value'],
  ['--base-url', 'value'],
  ['--profile', 'value'],
  ['--read-only', 'flag'],
]);

/** `tltop --profile prod status --json` is read as `tltop status --profile prod --json`. */
function commandFirst(program: Command, argv: readonly string[]): string[] {
  let position = 0;
  for (;;) {
    const token = argv[position];
    const kind = token === undefined ? undefined : LEADING_OPTIONS.get(token.split('=')[0]!);
    if (kind === undefined) break;
    position += kind === 'value' && !token!.includes('=') ? 2 : 1;
  }
  const command = argv[position];
  if (position === 0 || command === undefined || !commandNames(program).includes(command)) return [...argv];
  return [command, ...argv.slice(0, position), ...argv.slice(position + 1)];
}

/** The dashboard is the default command and takes no arguments: a first word naming no command is a typo. */
function checkCommandName(program: Command, argv: readonly string[]) {
  const [first] = argv;
  if (first === undefined || first.startsWith('-') || first === 'help') return;
  const names = program.commands.map((command) => command.name());
  if (!commandNames(program).includes(first)) {
    throw new UsageError(`unknown command '${first}' (commands: ${names.join(', ')}; see tltop --help)`);
  }
}

/** Runs tltop with the given arguments and returns the process exit code. */
export async function run(argv: string[], io: CommandIo): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    const args = commandFirst(program, argv);
    checkCommandName(program, args);
    await program.parseAsync(args, { from: 'user' });
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
