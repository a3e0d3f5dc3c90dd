import type { Command } from 'commander';
import { TwelveLabsClient } from '../../api/client.js';
import { formatBytes, formatRelative, stringWidth } from '../../components/format.js';
import {
  defaultStateDir,
  type JournalAccount,
  JournalStore,
  journalAccount,
  journalOwner,
} from '../../upload/journal.js';
import {
  addConnectionOptions,
  type ConnectionFlags,
  describeConnectionError,
  isConnectionFailure,
  resolveConnection,
} from '../config.js';
import { ExitCode, oneLine, UsageError } from '../errors.js';
import type { CommandIo } from '../program.js';
import { type StatusDocument, statusJsonSchema } from './status-schema.js';
import { type LocalJournals, takeStatusSnapshot } from './status-snapshot.js';

interface StatusFlags extends ConnectionFlags {
  json?: boolean;
  schema?: boolean;
  allAccounts?: boolean;
}

/** Columns aligned by display width (file names may hold wide characters). */
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => stringWidth(row[column]!))));
  const pad = (text: string, width: number) => text + ' '.repeat(width - stringWidth(text));
  return rows
    .map((row) => `  ${row.map((text, column) => pad(text, widths[column]!)).join('  ')}`.trimEnd())
    .join('\n');
}

/** The host of a base URL read from a journal (as written when it does not parse). */
function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).host;
  } catch {
    return baseUrl;
  }
}

function renderStatusTable(document: StatusDocument, allAccounts: boolean): string {
  const now = Date.parse(document.generated_at);
  const lines = [
    `profile ${document.profile}  ${new URL(document.base_url).host}  at ${document.generated_at}`,
    `UPLOADS (${document.uploads.length})`,
  ];
  const accounts = document.uploads.some((upload) => upload.account);
  if (document.uploads.length) {
    lines.push(
      table([
        ['UPLOAD ID', 'STATUS', 'CHUNKS', 'SIZE', 'SOURCE', ...(accounts ? ['ACCOUNT'] : []), 'FILE'],
        ...document.uploads.map((upload) => [
          upload.upload_id,
          upload.status,
          `${upload.chunks_completed ?? '?'}/${upload.total_chunks}`,
          formatBytes(upload.total_size),
          upload.source,
          ...(accounts
            ? [upload.account ? `${upload.account.profile}@${hostOf(upload.account.base_url)}` : 'this']
            : []),
          upload.file ?? '-',
        ]),
      ]),
    );
  }
  const others = document.other_account_uploads;
  if (others > 0 && !allAccounts)
    lines.push(
      `note: ${others} upload${others === 1 ? '' : 's'} of other accounts not shown (--all-accounts)`,
    );
  lines.push(`TASKS (${document.tasks.length})`);
  if (document.tasks.length) {
    lines.push(
      table([
        ['FAMILY', 'ID', 'STATUS', 'INDEX', 'NAME', 'CREATED'],
        ...document.tasks.map((task) => [
          task.family,
          task.id,
          task.status,
          task.index_id ?? '-',
          task.name ?? '-',
          formatRelative(task.created_at, now) || '-',
        ]),
      ]),
    );
  }
  for (const family of document.truncated) lines.push(`note: ${family} has more items than shown`);
  for (const error of document.errors) lines.push(`error: ${error.family}: ${error.message}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Unfinished uploads journaled on this machine for `account` (all accounts' with
 * `allAccounts`); unreadable journals become snapshot errors.
 */
async function readJournals(
  env: NodeJS.ProcessEnv,
  account: JournalAccount,
  allAccounts: boolean,
): Promise<LocalJournals> {
  const { records, problems } = await new JournalStore(defaultStateDir(env)).list();
  const other = (record: (typeof records)[number]) => journalOwner(record, account) === 'other';
  return {
    otherAccounts: records.filter(other).length,
    uploads: records
      .filter((record) => allAccounts || !other(record))
      .map((record) => ({
        uploadId: record.uploadId,
        assetId: record.assetId,
        filePath: record.file.path,
        size: record.file.size,
        chunksConfirmed: Object.keys(record.etags).length,
        totalChunks: record.totalChunks,
        sessionExpiresAt: record.sessionExpiresAt,
        sessionCompleted: record.sessionCompleted,
        otherAccount:
          other(record) && record.account
            ? { profile: record.account.profile, baseUrl: record.account.baseUrl }
            : undefined,
      })),
    problems,
  };
}

export function registerStatusCommand(program: Command, io: CommandIo, setExitCode: (code: number) => void) {
  const status = program
    .command('status')
    .description('one snapshot of active uploads and unfinished tasks, for scripts and non-TTY use')
    .option('--json', 'print one JSON document (shape: README "tltop status", or --schema)')
    .option('--schema', 'print the JSON Schema of the --json document and exit (no connection)')
    .option(
      '--all-accounts',
      'also list uploads journaled for other accounts (other profiles with another key or base URL)',
    );
  addConnectionOptions(status).action(async (_flags: StatusFlags, command: Command) => {
    const flags = command.optsWithGlobals<StatusFlags>();
    if (flags.schema) {
      io.stdout.write(`${JSON.stringify(statusJsonSchema(), null, 2)}\n`);
      return;
    }
    const env = process.env;
    const connection = await resolveConnection({ ...flags, demo: false }, env);
    if (!connection.apiKey) {
      throw new UsageError(
        'no API key: set TWELVELABS_API_KEY, pass --api-key, or add a profile with tltop config',
      );
    }
    let api: TwelveLabsClient;
    try {
      api = new TwelveLabsClient({ apiKey: connection.apiKey, baseUrl: connection.baseUrl });
    } catch (error) {
      throw new UsageError(oneLine(error));
    }
    let document: StatusDocument;
    try {
      document = await takeStatusSnapshot({
        api,
        profile: connection.profileName,
        journals: await readJournals(
          env,
          journalAccount({
            apiKey: connection.apiKey,
            baseUrl: api.baseUrl,
            profile: connection.profileName,
          }),
          flags.allAccounts === true,
        ),
        isFatal: isConnectionFailure,
        describeError: oneLine,
      });
    } catch (error) {
      io.stderr.write(`tltop: ${describeConnectionError(error, connection)}\n`);
      setExitCode(ExitCode.failed);
      return;
    } finally {
      await api.close();
    }
    io.stdout.write(
      flags.json ? `${JSON.stringify(document)}\n` : renderStatusTable(document, flags.allAccounts === true),
    );
    setExitCode(document.errors.length ? ExitCode.failed : ExitCode.ok);
  });
}
