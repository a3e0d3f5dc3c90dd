import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeUploadLine, escapeWord, parseUploadLine } from '../../../src/store/actions/upload-line.js';

describe('the new-upload line', () => {
  it.each([
    ['clip.mov', { path: 'clip.mov' }],
    ['  clip.mov  ', { path: 'clip.mov' }],
    ['/v/my\\ clip.mov', { path: '/v/my clip.mov' }],
    ['"/v/my clip.mov" type=audio', { path: '/v/my clip.mov', type: 'audio' }],
    ["'/v/it''s.mov'", { path: '/v/its.mov' }],
    ['"/v/say \\"hi\\".mov"', { path: '/v/say "hi".mov' }],
    ["'/v/back\\slash.mov'", { path: '/v/back\\slash.mov' }],
    ['/v/a=b.mov index=support-calls', { path: '/v/a=b.mov', index: 'support-calls' }],
    ['/v/x.bin type=image index=6501abc', { path: '/v/x.bin', type: 'image', index: '6501abc' }],
    ['~/clip.mov', { path: join(homedir(), 'clip.mov') }],
  ])('%s', (line, expected) => {
    expect(parseUploadLine(line)).toEqual(expected);
  });

  it.each([
    ['', /type a file path/],
    ['"/v/open.mov', /quote is not closed/],
    ['/v/my clip.mov', /"clip\.mov": put a path with spaces in quotes or escape them/],
    ['/v/x.mov type=movie', /type=movie: the type is video, audio or image/],
    ['/v/x.mov index=', /index=: name the index/],
    ['/v/x.mov speed=2', /speed=: not an option here \(type=, index=\)/],
  ])('refuses %j in one line', (line, message) => {
    expect(() => parseUploadLine(line)).toThrow(message);
    try {
      parseUploadLine(line);
    } catch (error) {
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('escapes what a word cannot hold as typed', () => {
    expect(escapeWord(`a b"c'd\\e`)).toBe(`a\\ b\\"c\\'d\\\\e`);
    expect(parseUploadLine(escapeWord(`/v/a b"c'd\\e.mov`)).path).toBe(`/v/a b"c'd\\e.mov`);
  });
});

describe('Tab in the new-upload line', () => {
  let dir: string;
  const indexes = () => ['support-calls', 'security-footage', 'my index'];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tltop-upload-line-'));
    writeFileSync(join(dir, 'field recording.raw'), '');
    writeFileSync(join(dir, 'field notes.txt'), '');
    mkdirSync(join(dir, 'sub dir'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('completes a path with spaces, escaped; a unique file gets a space after it', async () => {
    const escaped = escapeWord(dir);
    expect(await completeUploadLine(`${escaped}/field\\ r`, indexes)).toEqual({
      head: '',
      words: [`${escaped}/field\\ recording.raw `],
    });
    expect((await completeUploadLine(`${escaped}/field`, indexes)).words).toEqual([
      `${escaped}/field\\ notes.txt`,
      `${escaped}/field\\ recording.raw`,
    ]);
    expect((await completeUploadLine(`${escaped}/sub`, indexes)).words).toEqual([`${escaped}/sub\\ dir/`]);
  });

  it('completes inside an open quote too', async () => {
    const completion = await completeUploadLine(`"${dir}/field r`, indexes);
    expect(completion.words).toEqual([`${escapeWord(dir)}/field\\ recording.raw `]);
  });

  it('completes the option names, then type= and index= values', async () => {
    expect(await completeUploadLine('clip.mov ', indexes)).toEqual({
      head: 'clip.mov ',
      words: ['type=', 'index='],
    });
    expect(await completeUploadLine('clip.mov t', indexes)).toEqual({ head: 'clip.mov ', words: ['type='] });
    expect(await completeUploadLine('clip.mov type=a', indexes)).toEqual({
      head: 'clip.mov ',
      words: ['type=audio '],
    });
    expect((await completeUploadLine('a\\ b.mov index=s', indexes)).words).toEqual([
      'index=support-calls',
      'index=security-footage',
    ]);
    expect((await completeUploadLine('x index=my', indexes)).words).toEqual(['index=my\\ index ']);
    expect(parseUploadLine('x index=my\\ index').index).toBe('my index');
  });
});
