/**
 * The new-upload prompt's one line: `PATH [type=video|audio|image] [index=NAME]`. The path is
 * read like a shell word: quotes ('…' or "…") or backslash escapes keep spaces in it.
 */
import { homedir } from 'node:os';
import path from 'node:path';
import type { AssetType } from '../../api/types.js';
import { completePath } from './complete-path.js';

export const ASSET_TYPES: readonly AssetType[] = ['video', 'audio', 'image'];
const OPTIONS = ['type=', 'index='] as const;

export interface UploadLine {
  path: string;
  type?: AssetType;
  /** an index name or id, indexed into once the asset is ready */
  index?: string;
}

interface Word {
  /** the word with quotes and escapes resolved */
  text: string;
  /** where the word starts in the line, and where it ends (exclusive, closing quote included) */
  start: number;
  end: number;
}

/** Shell-like words; throws on an unclosed quote. */
function splitWords(line: string): { words: Word[]; openQuote: boolean } {
  const words: Word[] = [];
  let current: Word | undefined;
  let quote: '"' | "'" | undefined;
  for (let at = 0; at < line.length; at++) {
    const char = line[at]!;
    if (!quote && /\s/.test(char)) {
      if (current) words.push(current);
      current = undefined;
      continue;
    }
    current ??= { text: '', start: at, end: at };
    current.end = Math.min(line.length, at + (char === '\\' ? 2 : 1));
    if (quote) {
      if (char === quote) quote = undefined;
      else if (char === '\\' && quote === '"' && at + 1 < line.length) current.text += line[++at];
      else current.text += char;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '\\' && at + 1 < line.length) current.text += line[++at];
    else current.text += char;
  }
  if (current) words.push(current);
  return { words, openQuote: quote !== undefined };
}

/** A word as it must be typed: spaces, quotes and backslashes escaped. */
export function escapeWord(text: string): string {
  return text.replace(/[\s"'\\]/g, (char) => `\\${char}`);
}

function expandHome(file: string): string {
  return file === '~' || file.startsWith('~/') ? path.join(homedir(), file.slice(1)) : file;
}

/** Reads the prompt's line; a mistake is an Error with one line saying what to type. */
export function parseUploadLine(line: string): UploadLine {
  const { words, openQuote } = splitWords(line);
  if (openQuote) throw new Error('a quote is not closed');
  const [first, ...rest] = words;
  if (!first?.text) throw new Error('type a file path, then type=… and index=… if wanted');
  const result: UploadLine = { path: expandHome(first.text) };
  for (const { text } of rest) {
    const [key, ...value] = text.split('=');
    const given = value.join('=');
    if (value.length === 0)
      throw new Error(`"${text}": put a path with spaces in quotes or escape them (my\\ clip.mov)`);
    if (key === 'type') {
      if (!ASSET_TYPES.includes(given as AssetType))
        throw new Error(`type=${given}: the type is video, audio or image`);
      result.type = given as AssetType;
    } else if (key === 'index') {
      if (!given) throw new Error('index=: name the index to index into');
      result.index = given;
    } else throw new Error(`${key}=: not an option here (type=, index=)`);
  }
  return result;
}

export interface UploadCompletion {
  /** the line before the word being completed, unchanged */
  head: string;
  /** candidates for that word, escaped; a finished word ends with a space */
  words: string[];
}

/** Tab in the new-upload prompt: the path first, then `type=` / `index=` and their values. */
export async function completeUploadLine(
  line: string,
  indexNames: () => string[],
): Promise<UploadCompletion> {
  const { words } = splitWords(line);
  const last = words.at(-1)?.end === line.length ? words.at(-1) : undefined;
  const head = last ? line.slice(0, last.start) : line;
  const typed = last?.text ?? '';
  if (words.length === 0 || (words.length === 1 && last)) {
    const paths = await completePath(typed);
    const finished = paths.length === 1 && !paths[0]!.endsWith('/');
    return { head, words: paths.map((file) => `${escapeWord(file)}${finished ? ' ' : ''}`) };
  }
  const valued = (key: string, values: readonly string[]) => {
    const matches = values.filter((value) => value.startsWith(typed.slice(key.length)));
    return matches.map((value) => `${key}${escapeWord(value)}${matches.length === 1 ? ' ' : ''}`);
  };
  if (typed.startsWith('type=')) return { head, words: valued('type=', ASSET_TYPES) };
  if (typed.startsWith('index=')) return { head, words: valued('index=', indexNames()) };
  return { head, words: OPTIONS.filter((option) => option.startsWith(typed)) };
}
