import { Command, CommanderError, Help } from 'commander';
import { VERSION } from '../version.js';
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

export type RegisterCommand = (program: Command, io: CommandIo, setExitCode: (code: number) => void) => void;

interface LazyCommand {
  name: string;
  aliases?: readonly string[];
  /** what `tltop --help` lists before the command's module is loaded (a test holds it to the module's own) */
  description: string;
  /** the term after the name in `tltop --help`: options and arguments */
  usage?: string;
  isDefault?: boolean;
  load(): Promise<RegisterCommand>;
}

/**
 * Every command, in help order. A command's module (and everything it imports: the API client,
 * the emulator, React and Ink) loads only when that command runs or shows its own help.
 */
export const COMMANDS: readonly LazyCommand[] = [
  {
    name: 'emulator',
    description: 'run a local TwelveLabs API v1.3 emulator (what tests, benchmarks and --demo use)',
    usage: '[options]',
    load: async () => (await import('./commands/emulator.js')).registerEmulatorCommand,
  },
  {
    name: 'config',
    description: 'add or change connection profiles (interactive without a subcommand)',
    load: async () => (await import('./commands/config.js')).registerConfigCommand,
  },
  {
    name: 'status',
    description: 'one snapshot of active uploads and unfinished tasks, for scripts and non-TTY use',
    usage: '[options]',
    load: async () => (await import('./commands/status.js')).registerStatusCommand,
  },
  {
    name: 'upload',
    description: 'upload files without the dashboard; waits for each asset to be ready and prints its id',
    usage: '[options] <file...>',
    load: async () => (await import('./commands/upload.js')).registerUploadCommand,
  },
  {
    name: 'resume',
    description: 'resume uploads journaled on this machine after a crash or Ctrl-C (all, or one)',
    usage: '[options] [upload_id]',
    load: async () => (await import('./commands/resume.js')).registerResumeCommand,
  },
  {
    name: 'dashboard',
    aliases: ['tui'],
    description: 'the full-screen dashboard (the default command)',
    usage: '[options]',
    isDefault: true,
    load: async () => (await import('./commands/tui.js')).registerTuiCommand,
  },
];

/**
 * Builds the command tree. A command in `loaded` is registered in full (options, action); the
 * others are placeholders that only name and describe themselves for `tltop --help`.
 */
export function buildProgram(
  io: CommandIo,
  setExitCode: (code: number) => void,
  loaded: ReadonlyMap<string, RegisterCommand> = new Map(),
): Command {
  const placeholderTerms = new Map<Command, string>();
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
    .configureHelp({
      subcommandTerm: (command) => placeholderTerms.get(command) ?? new Help().subcommandTerm(command),
    })
    .exitOverride();

  program.addHelpText('after', EXAMPLES);
  for (const entry of COMMANDS) {
    const register = loaded.get(entry.name);
    if (register) {
      register(program, io, setExitCode);
      continue;
    }
    const placeholder = program
      .command(entry.name, { isDefault: entry.isDefault })
      .aliases(entry.aliases ?? [])
      .description(entry.description);
    const names = [entry.name, ...(entry.aliases ?? []).slice(0, 1)].join('|');
    placeholderTerms.set(placeholder, entry.usage ? `${names} ${entry.usage}` : names);
  }
  return program;
}

/** Loads the modules of the named commands (every command: the full tree, as tests compare it). */
export async function loadCommands(names: Iterable<string>): Promise<Map<string, RegisterCommand>> {
  const wanted = new Set(names);
  const entries = COMMANDS.filter((entry) => wanted.has(entry.name));
  return new Map(await Promise.all(entries.map(async (entry) => [entry.name, await entry.load()] as const)));
}

function commandNames(): string[] {
  return COMMANDS.flatMap((entry) => [entry.name, ...(entry.aliases ?? [])]);
}

function findCommand(name: string | undefined): LazyCommand | undefined {
  return COMMANDS.find((entry) => entry.name === name || entry.aliases?.includes(name ?? ''));
}

const TOP_LEVEL_ONLY = new Set(['-h', '--help', '-V', '--version']);

/** The command whose module this command line needs: the one it names, the one `help` asks about, or the default. */
function commandToLoad(argv: readonly string[]): LazyCommand | undefined {
  const [first, second] = argv;
  if (first === 'help') return findCommand(second);
  const named = findCommand(first);
  if (named) return named;
  // `tltop --help` and `tltop --version` answer without the dashboard's module
  if (argv.some((arg) => TOP_LEVEL_ONLY.has(arg))) return undefined;
  return COMMANDS.find((entry) => entry.isDefault);
}

/** Connection options (addConnectionOptions) may come before the command: `tltop --profile prod status`. */
const LEADING_OPTIONS: ReadonlyMap<string, 'value' | 'flag'> = new Map([
  ['--api-key', 'value'],
  ['--base-url', 'value'],
  ['--profile', 'value'],
  ['--read-only', 'flag'],
]);

/** `tltop --profile prod status --json` is read as `tltop status --profile prod --json`. */
function commandFirst(argv: readonly string[]): string[] {
  let position = 0;
  for (;;) {
    const token = argv[position];
    const kind = token === undefined ? undefined : LEADING_OPTIONS.get(token.split('=')[0]!);
    if (kind === undefined) break;
    position += kind === 'value' && !token!.includes('=') ? 2 : 1;
  }
  const command = argv[position];
  if (position === 0 || command === undefined || !commandNames().includes(command)) return [...argv];
  return [command, ...argv.slice(0, position), ...argv.slice(position + 1)];
}

/** The dashboard is the default command and takes no arguments: a first word naming no command is a typo. */
function checkCommandName(argv: readonly string[]) {
  const [first] = argv;
  if (first === undefined || first.startsWith('-') || first === 'help') return;
  const names = COMMANDS.map((entry) => entry.name);
  if (!commandNames().includes(first)) {
    throw new UsageError(`unknown command '${first}' (commands: ${names.join(', ')}; see tltop --help)`);
  }
}

/** Runs tltop with the given arguments and returns the process exit code. */
export async function run(argv: string[], io: CommandIo): Promise<number> {
  let exitCode: number = ExitCode.ok;
  try {
    const args = commandFirst(argv);
    checkCommandName(args);
    const needed = commandToLoad(args);
    const program = buildProgram(
      io,
      (code) => {
        exitCode = code;
      },
      await loadCommands(needed ? [needed.name] : []),
    );
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
