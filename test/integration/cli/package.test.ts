import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../../../src/version.js';
import { NODE, ROOT } from './run-cli.js';

const run = promisify(execFile);

/** A system `node` (outside node_modules) older than 22.12, if this machine has one. */
function systemNodeOlderThan22(): string | undefined {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
    try {
      const version = execFileSync(candidate, ['--version'], { encoding: 'utf8' }).trim().slice(1);
      const [major = 0, minor = 0] = version.split('.').map(Number);
      if (major < 22 || (major === 22 && minor < 12)) return candidate;
    } catch {
      // not installed there
    }
  }
  return undefined;
}

/**
 * What `npm pack` would publish, unpacked next to the project's own node_modules (so no
 * registry is needed): the tarball alone must be enough to run tltop.
 */
describe('npm package', () => {
  let work: string;
  let unpacked: string;
  let files: string[];

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'tltop-pack-'));
    // --ignore-scripts: dist/ is already built by the global setup; prepare would rebuild it.
    const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
      cwd: ROOT,
    });
    const [report] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    files = report!.files.map((file) => file.path);
    await run('tar', ['xzf', path.join(work, report!.filename), '-C', work]);
    unpacked = path.join(work, 'package');
    await symlink(path.join(ROOT, 'node_modules'), path.join(unpacked, 'node_modules'), 'dir');
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('holds dist, package.json and README only: no sources, tests or secrets', () => {
    expect(files).toContain('dist/bin.js');
    expect(files).toContain('package.json');
    expect(files).toContain('README.md');
    const unexpected = files.filter(
      (file) => !/^(dist\/.+\.js|package\.json|README\.md|LICENSE)$/.test(file),
    );
    expect(unexpected).toEqual([]);
  });

  it('declares the tltop bin with a node shebang, and Node >= 22.12', async () => {
    const manifest = JSON.parse(await readFile(path.join(unpacked, 'package.json'), 'utf8'));
    expect(manifest.bin).toEqual({ tltop: 'dist/bin.js' });
    expect(manifest.engines.node).toBe('>=22.12');
    expect(await readFile(path.join(unpacked, 'dist/bin.js'), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
  });

  it('runs --version and --help from the unpacked package', async () => {
    const bin = path.join(unpacked, 'dist/bin.js');
    const version = await run(NODE, [bin, '--version']);
    expect(version.stdout.trim()).toBe(VERSION);
    const help = await run(NODE, [bin, '--help']);
    expect(help.stdout).toContain('Usage: tltop');
    expect(help.stdout).toContain('Examples:');
  });

  it('a broken install (a module missing) is one line and exit 1, not a stack trace', async () => {
    await rm(path.join(unpacked, 'dist/cli/program.js'));
    const result = await run(NODE, [path.join(unpacked, 'dist/bin.js'), '--version']).catch(
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toMatch(
      /^tltop: cannot load its own modules \(.*program\.js.*\); reinstall tltop\n$/,
    );
  });

  const olderNode = systemNodeOlderThan22();
  it.runIf(olderNode)(
    `an older Node (${olderNode}) gets one line and exit 2, not a stack trace`,
    async () => {
      const result = await run(olderNode!, [path.join(unpacked, 'dist/bin.js'), '--version']).catch(
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
      expect(result).toMatchObject({ code: 2, stdout: '' });
      expect(result.stderr).toMatch(/^tltop: needs Node\.js 22\.12 or newer \(this is 2\d\.[\d.]+\)\n$/);
    },
  );
});
