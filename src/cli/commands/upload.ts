import { type Command, Option } from 'commander';
import { paginate } from '../../api/paginate.js';
import type { AssetType, Index } from '../../api/types.js';
import { assetTypeOf } from '../../upload/asset-type.js';
import { UploadInputError } from '../../upload/errors.js';
import { checkUploadFile } from '../../upload/file-identity.js';
import { HeadlessOutput, type OutputMode, whenSent, whenStopped } from '../../upload/headless.js';
import { defaultStateDir, journalAccount } from '../../upload/journal.js';
import { createUploadApi, createUploadManager, type Uploads } from '../../upload/manager.js';
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from '../../upload/policy.js';
import { addConnectionOptions, type ConnectionFlags, resolveConnection } from '../config.js';
import { ExitCode, oneLine, UsageError } from '../errors.js';
import { parseChoice, parseIntegerInRange } from '../parse.js';
import type { CommandIo } from '../program.js';

interface UploadFlags extends ConnectionFlags {
  type?: AssetType;
  index?: string;
  concurrency?: number;
  wait: boolean;
  json?: boolean;
  progress?: ProgressChoice;
}

export const PROGRESS_CHOICES = ['auto', 'bar', 'plain', 'none'] as const;
export type ProgressChoice = (typeof PROGRESS_CHOICES)[number];

export interface HeadlessSession {
  manager: Uploads;
  output: HeadlessOutput;
  /** --concurrency, else the profile's, else the default */
  concurrency: number;
  /** set once Ctrl-C was pressed */
  interrupted(): boolean;
  /** the id of the index with this id or name; a usage error when there is none */
  resolveIndex(ref: string): Promise<string>;
  /** exit code from how every started upload ended */
  finish(ids: readonly string[]): Promise<number>;
}

const MAX_INDEX_PAGES = 20;

function outputMode(io: CommandIo, json: boolean | undefined, progress: ProgressChoice = 'auto'): OutputMode {
  if (json) return 'json';
  if (progress === 'bar') return 'tty';
  if (progress === 'plain' || progress === 'none') return progress;
  return (io.stderr as { isTTY?: boolean }).isTTY ? 'tty' : 'plain';
}

/** `--progress auto|bar|plain|none` (upload and resume); not with --json, whose lines are fixed. */
export function progressOption(): Option {
  return new Option(
    '--progress <mode>',
    'progress output: auto (a bar on a terminal, else plain), bar, plain (log lines, no escape codes), none',
  )
    .argParser(parseChoice(PROGRESS_CHOICES))
    .conflicts('json');
}

/**
 * What `upload` and `resume` share: the connection, the manager, output, and Ctrl-C (first:
 * pause everything, flush reports and journals, exit 130; second: exit at once).
 */
export async function openHeadlessSession(
  io: CommandIo,
  flags: ConnectionFlags & { json?: boolean; concurrency?: number; progress?: ProgressChoice },
): Promise<HeadlessSession> {
  const connection = await resolveConnection({ ...flags, demo: false }, process.env);
  if (!connection.apiKey) {
    throw new UsageError(
      'no API key: set TWELVELABS_API_KEY, pass --api-key, or add a profile with tltop config',
    );
  }
  if (connection.readOnlyBy)
    throw new UsageError(`read-only (${connection.readOnlyBy}): uploading is turned off`);
  let api: ReturnType<typeof createUploadApi>;
  try {
    api = createUploadApi({ apiKey: connection.apiKey, baseUrl: connection.baseUrl });
  } catch (error) {
    throw new UsageError(oneLine(error));
  }
  const concurrency = flags.concurrency ?? connection.settings.concurrency ?? DEFAULT_CONCURRENCY;
  const manager = createUploadManager({
    api,
    stateDir: defaultStateDir(process.env),
    // journals record the account; resume sees only this one's
    account: journalAccount({
      apiKey: connection.apiKey,
      baseUrl: api.baseUrl,
      profile: connection.profileName,
    }),
    defaultConcurrency: concurrency,
  });
  const output = new HeadlessOutput(io, outputMode(io, flags.json, flags.progress));
  manager.onEvent((event) => output.event(event));
  manager.subscribe((snapshots) => output.progress(snapshots));

  let interrupted = false;
  let stopping: Promise<void> | undefined;
  const onSignal = () => {
    if (interrupted) {
      output.close();
      process.exit(ExitCode.interrupted);
    }
    interrupted = true;
    output.close();
    io.stderr.write(
      'tltop: interrupted; pausing uploads and saving their journals (Ctrl-C again to quit now)\n',
    );
    stopping = manager.shutdown();
  };
  process.on('SIGINT', onSignal);

  return {
    manager,
    output,
    concurrency,
    interrupted: () => interrupted,
    async resolveIndex(ref) {
      const indexes: Index[] = [];
      for await (const index of paginate((request) => api.listIndexes(request), {
        maxPages: MAX_INDEX_PAGES,
      }))
        indexes.push(index);
      const found =
        indexes.find((index) => index._id === ref) ?? indexes.find((index) => index.index_name === ref);
      if (found) return found._id;
      throw new UsageError(`--index: no index has the id or name "${ref}"`);
    },
    async finish(ids) {
      try {
        await Promise.all(ids.map((id) => whenStopped(manager, id)));
        if (stopping) await stopping;
        else await manager.shutdown();
      } finally {
        process.off('SIGINT', onSignal);
        output.close();
        await api.close();
      }
      if (interrupted) return ExitCode.interrupted;
      const outcomes = ids.map((id) => output.outcome(id));
      return outcomes.every((outcome) => outcome === 'ready' || outcome === 'uploaded')
        ? ExitCode.ok
        : ExitCode.failed;
    },
  };
}

export function registerUploadCommand(program: Command, io: CommandIo, setExitCode: (code: number) => void) {
  const upload = program
    .command('upload')
    .description('upload files without the dashboard; waits for each asset to be ready and prints its id')
    .argument('<file...>', 'files to upload')
    .addOption(
      new Option(
        '--type <type>',
        'asset type: video, audio or image (default: from each file name, e.g. .wav is audio)',
      ).argParser(parseChoice(['video', 'audio', 'image'] as const)),
    )
    .option('--index <id|name>', 'also index each asset in this index and wait for it')
    .addOption(
      new Option(
        '--concurrency <n>',
        `parallel chunk uploads per file (1-${MAX_CONCURRENCY}; default: the profile's, else ${DEFAULT_CONCURRENCY})`,
      ).argParser(parseIntegerInRange(1, MAX_CONCURRENCY)),
    )
    .option('--no-wait', 'stop once the bytes are uploaded, without waiting for the asset')
    .option(
      '--json',
      'one JSON object per line (events: started, progress, chunk_failed, uploaded, ready, indexed, failed, paused, done)',
    )
    .addOption(progressOption());
  addConnectionOptions(upload).action(async (files: string[], _flags: UploadFlags, command: Command) => {
    const flags = command.optsWithGlobals<UploadFlags>();
    if (flags.index !== undefined && !flags.wait) {
      throw new UsageError('--index waits for the asset to be indexed; it cannot be combined with --no-wait');
    }
    if (flags.index !== undefined && !flags.index.trim()) throw new UsageError('--index: empty index');
    const typeOf = (file: string) => flags.type ?? assetTypeOf(file, 'video');
    const problems: string[] = [];
    for (const file of files) {
      try {
        await checkUploadFile(file, typeOf(file));
      } catch (error) {
        if (!(error instanceof UploadInputError)) throw error;
        problems.push(error.message);
      }
    }
    if (problems.length) {
      for (const problem of problems) io.stderr.write(`tltop: ${problem}\n`);
      setExitCode(ExitCode.usage);
      return;
    }

    const session = await openHeadlessSession(io, flags);
    let indexId: string | undefined;
    try {
      if (flags.index !== undefined) indexId = await session.resolveIndex(flags.index.trim());
    } catch (error) {
      await session.finish([]);
      throw error;
    }
    const ids: string[] = [];
    let startFailed = false;
    for (const file of files) {
      if (session.interrupted()) break;
      try {
        const id = await session.manager.start({
          path: file,
          type: typeOf(file),
          indexId,
          concurrency: session.concurrency,
          followAsset: flags.wait,
        });
        ids.push(id);
        // the next file starts once this one's bytes are sent (its asset may still be processing)
        await whenSent(session.manager, id);
      } catch (error) {
        startFailed = true;
        session.output.failedToStart(file, oneLine(error));
      }
    }
    const code = await session.finish(ids);
    setExitCode(code === ExitCode.ok && startFailed ? ExitCode.failed : code);
  });
}
