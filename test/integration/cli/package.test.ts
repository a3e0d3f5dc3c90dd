import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../../../src/version.js';
import { NODE, ROOT } from './run-cli.js';

const run = promisify(execFile);

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
});
