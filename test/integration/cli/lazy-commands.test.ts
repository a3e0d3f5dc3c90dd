import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram, COMMANDS, loadCommands } from '../../../src/cli/program.js';
import { BIN, cleanEnv, NODE } from './run-cli.js';

const execute = promisify(execFile);

function programWith(loaded: Awaited<ReturnType<typeof loadCommands>>): Command {
  const sink = new PassThrough();
  return buildProgram({ stdout: sink, stderr: sink }, () => {}, loaded);
}

/** The packages and our own modules a run of the built binary loaded, by URL. */
async function modulesLoaded(args: string[], dir: string): Promise<string[]> {
  const log = join(dir, `${args.join('_').replace(/\W/g, '')}.txt`);
  const hook = `data:text/javascript,${encodeURIComponent(`
    import module from 'node:module';
    import { appendFileSync } from 'node:fs';
    module.registerHooks({ load(url, context, next) { appendFileSync(${JSON.stringify(log)}, url + '\\n'); return next(url, context); } });
  `)}`;
  await execute(NODE, ['--import', hook, BIN, ...args], { env: cleanEnv({ HOME: dir }) });
  return (await readFile(log, 'utf8')).split('\n').filter(Boolean);
}

const HEAVY = ['/node_modules/ink/', '/node_modules/react/', '/node_modules/undici/', '/node_modules/zod/'];

describe('commands load lazily (src/cli/program.ts)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tltop-lazy-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('tltop --help lists every command exactly as the loaded commands describe themselves', async () => {
    const lazy = programWith(new Map());
    const eager = programWith(await loadCommands(COMMANDS.map((entry) => entry.name)));
    expect(lazy.helpInformation()).toBe(eager.helpInformation());
    for (const command of eager.commands) {
      const placeholder = lazy.commands.find((candidate) => candidate.name() === command.name());
      expect(placeholder?.description(), command.name()).toBe(command.description());
      expect(placeholder?.aliases(), command.name()).toEqual(command.aliases());
    }
    expect(eager.commands.map((command) => command.name())).toEqual(COMMANDS.map((entry) => entry.name));
  });

  it('--version and --help load no command module and none of React, Ink, undici or zod', async () => {
    for (const args of [['--version'], ['--help']]) {
      const loaded = await modulesLoaded(args, dir);
      expect(loaded.some((url) => url.endsWith('/dist/cli/program.js'))).toBe(true);
      expect(loaded.filter((url) => url.includes('/dist/cli/commands/'))).toEqual([]);
      expect(loaded.filter((url) => HEAVY.some((heavy) => url.includes(heavy)))).toEqual([]);
    }
  });

  it("a command's help loads that command's module only, still without React and Ink", async () => {
    const loaded = await modulesLoaded(['status', '--help'], dir);
    const commands = loaded.filter((url) => url.includes('/dist/cli/commands/'));
    expect(commands.some((url) => url.endsWith('/commands/status.js'))).toBe(true);
    expect(commands.some((url) => /\/commands\/(tui|emulator|config|upload|resume)\.js$/.test(url))).toBe(
      false,
    );
    expect(
      loaded.filter((url) => url.includes('/node_modules/ink/') || url.includes('/node_modules/react/')),
    ).toEqual([]);
  });
});
