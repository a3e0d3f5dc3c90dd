import type { Command } from 'commander';
import { formatBytes } from '../../components/format.js';
import { otherAccountRefusal } from '../../upload/manager.js';
import { MAX_CONCURRENCY } from '../../upload/policy.js';
import { addConnectionOptions, type ConnectionFlags } from '../config.js';
import { ExitCode, oneLine, UsageError } from '../errors.js';
import { parseIntegerInRange } from '../parse.js';
import type { CommandIo } from '../program.js';
import { openHeadlessSession, type ProgressChoice, progressOption } from './upload.js';

interface ResumeFlags extends ConnectionFlags {
  concurrency?: number;
  json?: boolean;
  progress?: ProgressChoice;
}

export function registerResumeCommand(program: Command, io: CommandIo, setExitCode: (code: number) => void) {
  const resume = program
    .command('resume')
    .description('resume uploads journaled on this machine after a crash or Ctrl-C (all, or one)')
    .argument('[upload_id]', 'the upload to resume (default: every unfinished one)')
    .option(
      '--concurrency <n>',
      `parallel chunk uploads per file (1-${MAX_CONCURRENCY})`,
      parseIntegerInRange(1, MAX_CONCURRENCY),
    )
    .option('--json', 'one JSON object per line, as tltop upload --json')
    .addOption(progressOption());
  addConnectionOptions(resume).action(
    async (uploadId: string | undefined, _flags: ResumeFlags, command: Command) => {
      const flags = command.optsWithGlobals<ResumeFlags>();
      if (uploadId !== undefined && !/^[\w-]{1,128}$/.test(uploadId)) {
        throw new UsageError(`not an upload id: "${uploadId}"`);
      }
      const session = await openHeadlessSession(io, flags);
      const { manager, output } = session;
      for (const problem of await manager.journalProblems()) io.stderr.write(`tltop: skipping ${problem}\n`);
      const everyAccount = await manager.listJournaled({ allAccounts: true });
      const journaled = everyAccount.filter((upload) => upload.owner !== 'other');
      const foreign = everyAccount.find((upload) => upload.uploadId === uploadId && upload.owner === 'other');
      if (foreign) {
        // another key or base URL: resuming it here would send its chunks to the wrong account
        await session.finish([]);
        throw new Error(otherAccountRefusal(foreign));
      }
      const others = everyAccount.length - journaled.length;
      if (uploadId === undefined && others > 0) {
        io.stderr.write(
          `tltop: ${others} upload${others === 1 ? '' : 's'} of other accounts not resumed (tltop status --all-accounts lists them)\n`,
        );
      }
      if (uploadId !== undefined && !journaled.some((upload) => upload.uploadId === uploadId)) {
        await session.finish([]);
        const known = journaled.map((upload) => upload.uploadId).join(', ');
        throw new UsageError(
          `no unfinished upload ${uploadId} in ${manager.journalDir}${known ? ` (journaled: ${known})` : ''}`,
        );
      }
      const chosen = journaled.filter((upload) => uploadId === undefined || upload.uploadId === uploadId);
      if (chosen.length === 0) {
        await session.finish([]);
        if (flags.json) io.stdout.write(`${JSON.stringify({ event: 'nothing_to_resume' })}\n`);
        else io.stderr.write('tltop: nothing to resume\n');
        setExitCode(ExitCode.ok);
        return;
      }
      const ids: string[] = [];
      let refused = false;
      for (const upload of chosen) {
        if (session.interrupted()) break;
        if (!flags.json) {
          io.stderr.write(
            `resuming ${upload.filePath} (upload ${upload.uploadId}, ${formatBytes(upload.size)}, ${upload.chunksConfirmed}/${upload.totalChunks} chunks journaled)\n`,
          );
        }
        try {
          ids.push(...(await manager.resumeJournaled([upload.uploadId])));
        } catch (error) {
          refused = true;
          output.failedToStart(upload.filePath, oneLine(error));
        }
      }
      const code = await session.finish(ids);
      setExitCode(code === ExitCode.ok && refused ? ExitCode.failed : code);
    },
  );
}
