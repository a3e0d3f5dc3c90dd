/**
 * `tltop status` and `tltop resume` see the journals of the account in use (its base URL and key);
 * other accounts' journals are counted in one line, listed with `status --all-accounts`, and
 * resuming one by id is refused naming its profile and host.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusDocumentSchema } from '../../../src/cli/commands/status-schema.js';
import {
  type JournalAccount,
  type JournalRecord,
  JournalStore,
  journalAccount,
} from '../../../src/upload/journal.js';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { cliEnv } from '../upload/helpers.js';
import { cleanEnv, runCli } from './run-cli.js';

let emulator: TestEmulator;
let home: string;
let journals: JournalStore;

const OTHER_ID = 'aaaaaaaaaaaaaaaaaaaaaaa1';
const OWN_ID = 'bbbbbbbbbbbbbbbbbbbbbbb2';
const LEGACY_ID = 'ccccccccccccccccccccccc3';

function env(extra: NodeJS.ProcessEnv = {}) {
  return cleanEnv({ ...cliEnv(home, emulator), ...extra });
}

function record(uploadId: string, account: JournalAccount | undefined): JournalRecord {
  return {
    version: 1,
    uploadId,
    account,
    assetId: `asset-${uploadId}`,
    type: 'video',
    followAsset: true,
    file: { path: `/videos/${uploadId}.mp4`, size: 10_000_000, mtimeMs: 1, ino: 1, fingerprint: 'f' },
    chunkSize: 5_000_000,
    totalChunks: 2,
    sessionExpiresAt: new Date(Date.now() + 3600_000).toISOString(),
    uploadHeaders: {},
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    etags: { '1': '"a"' },
    sessionCompleted: false,
  };
}

beforeAll(async () => {
  emulator = await startTestEmulator({ seed: 'empty', apiKey: 'tlk_accountstest0000000000001' });
  home = await mkdtemp(path.join(tmpdir(), 'tltop-accounts-cli-'));
  journals = new JournalStore(path.join(home, 'state'));
  const other = journalAccount({
    apiKey: 'tlk_other_key_000000000000',
    baseUrl: emulator.baseUrl,
    profile: 'beta',
  });
  const own = journalAccount({ apiKey: emulator.apiKey, baseUrl: emulator.baseUrl, profile: 'alpha' });
  await journals.write(record(OTHER_ID, other));
  await journals.write(record(OWN_ID, own));
  await journals.write(record(LEGACY_ID, undefined));
});
afterAll(async () => {
  await emulator.close();
  await rm(home, { recursive: true, force: true });
});

describe('journals of other accounts', () => {
  it("status lists this account's journals (and older ones without an account) and says how many it left out", async () => {
    const table = await runCli(['status'], env());
    expect(table.stderr).toBe('');
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(OWN_ID);
    expect(table.stdout).toContain(LEGACY_ID);
    expect(table.stdout).not.toContain(OTHER_ID);
    expect(table.stdout).toContain('note: 1 upload of other accounts not shown (--all-accounts)\n');
    expect(table.stdout).not.toContain('ACCOUNT');

    const json = statusDocumentSchema.parse(JSON.parse((await runCli(['status', '--json'], env())).stdout));
    expect(json.other_account_uploads).toBe(1);
    expect(json.uploads.map((upload) => upload.upload_id).sort()).toEqual([OWN_ID, LEGACY_ID].sort());
    expect(json.uploads.every((upload) => upload.account === undefined)).toBe(true);
  });

  it('status --all-accounts lists them too, with the profile and host they belong to', async () => {
    const host = new URL(emulator.baseUrl).host;
    const table = await runCli(['status', '--all-accounts'], env());
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/UPLOAD ID\s+STATUS\s+CHUNKS\s+SIZE\s+SOURCE\s+ACCOUNT\s+FILE/);
    const row = table.stdout.split('\n').find((line) => line.includes(OTHER_ID))!;
    expect(row).toContain(`beta@${host}`);
    expect(table.stdout.split('\n').find((line) => line.includes(OWN_ID))).toMatch(/\sthis\s/);
    expect(table.stdout).not.toContain('not shown');

    const json = statusDocumentSchema.parse(
      JSON.parse((await runCli(['status', '--json', '--all-accounts'], env())).stdout),
    );
    expect(json.other_account_uploads).toBe(1);
    expect(json.uploads.find((upload) => upload.upload_id === OTHER_ID)).toMatchObject({
      source: 'journal',
      account: { profile: 'beta', base_url: expect.stringContaining(host) },
    });
  });

  it("resume of another account's upload is refused in one line naming its profile and host; the journal stays", async () => {
    const before = await journals.read(OTHER_ID);
    const result = await runCli(['resume', OTHER_ID], env());
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `tltop: upload ${OTHER_ID} belongs to profile "beta" (${new URL(emulator.baseUrl).host}), another account (other key or base URL); resume it with that profile\n`,
    );
    expect(await journals.read(OTHER_ID)).toEqual(before);
  });

  it('resume of every upload leaves other accounts alone and says so in one line', async () => {
    await journals.remove(OWN_ID);
    await journals.remove(LEGACY_ID);
    const result = await runCli(['resume'], env());
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      'tltop: 1 upload of other accounts not resumed (tltop status --all-accounts lists them)\ntltop: nothing to resume\n',
    );
    expect(await journals.read(OTHER_ID)).toBeDefined();
  });
});
