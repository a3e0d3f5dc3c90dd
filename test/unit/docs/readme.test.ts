/**
 * README.md drifts from the code the moment a key, command, flag, variable or profile setting is
 * added without it. Each check below lists what the README lacks (empty = in step) and is also
 * run against a README with one entry cut out, to prove it notices.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { Command } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { POLL_KEY_NAMES } from '../../../src/cli/profiles.js';
import { buildProgram, COMMANDS as CLI_COMMANDS, loadCommands } from '../../../src/cli/program.js';
import { KEYMAP, type KeyMatcher } from '../../../src/components/keymap.js';
import { COMMANDS, findCommand } from '../../../src/store/commands/index.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The top-level sections, in the order a new operator reads them. */
const SECTION_ORDER = [
  'Quick start',
  'Connecting a real account',
  'The dashboard',
  'For operators',
  'CLI commands',
  'Configuration',
  'Files tltop writes',
  'Troubleshooting',
  'Performance',
  'Reliability',

  'Development',
];

/** Text from a heading (any level) to the next heading of the same or a higher level. */
function section(readme: string, title: string): string {
  const lines = readme.split('\n');
  const start = lines.findIndex((line) => /^#{2,4} /.test(line) && line.replace(/^#+ /, '') === title);
  if (start < 0) return '';
  const level = lines[start]!.indexOf(' ');
  const end = lines.findIndex((line, index) => {
    if (index <= start) return false;
    const hashes = /^(#+) /.exec(line)?.[1]?.length;
    return hashes !== undefined && hashes <= level;
  });
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

function codeSpans(text: string): string[] {
  return [...text.matchAll(/`([^`\n]+)`/g)].map((match) => match[1]!);
}

/** Headings outside fenced code blocks, e.g. ["## Quick start", ...]. */
function headings(readme: string): string[] {
  let fenced = false;
  return readme.split('\n').filter((line) => {
    if (line.startsWith('```')) fenced = !fenced;
    return !fenced && /^#{1,6} /.test(line);
  });
}

// ---- keys ------------------------------------------------------------------------------------

const NAMED_KEYS: Record<string, string> = {
  upArrow: '↑',
  downArrow: '↓',
  pageUp: 'PgUp',
  pageDown: 'PgDn',
  return: 'Enter',
  escape: 'Esc',
  tab: 'Tab',
  home: 'Home',
  end: 'End',
};

/** How the README writes a key the dispatcher matches. */
function keyName(matcher: KeyMatcher): string {
  if ('named' in matcher)
    return matcher.named === 'tab' && matcher.shift ? 'S-Tab' : NAMED_KEYS[matcher.named]!;
  if (matcher.ctrl) return `Ctrl-${matcher.input.toUpperCase()}`;
  return matcher.input === ' ' ? 'space' : matcher.input;
}

/** The keys a label names: "j/k" → j, k; "/" → /; "1-7" stays a range. */
function labelKeys(label: string): string[] {
  return label === '/' ? ['/'] : label.split('/').filter(Boolean);
}

/** Keys written in the first column of the tables of the README's Keys section. */
function documentedKeys(readme: string): Set<string> {
  const keys = new Set<string>();
  for (const line of section(readme, 'Keys').split('\n')) {
    if (!line.startsWith('|') || /^\|[\s|:-]+\|$/.test(line)) continue;
    const firstCell = line.slice(1, line.indexOf(' |', 1) + 1);
    for (const span of codeSpans(firstCell)) keys.add(span);
  }
  return keys;
}

function isDocumentedKey(key: string, documented: Set<string>): boolean {
  if (documented.has(key)) return true;
  // a digit is documented by a range such as `1-7`
  return [...documented].some((span) => {
    const range = /^(\d)-(\d)$/.exec(span);
    return range !== null && /^\d$/.test(key) && key >= range[1]! && key <= range[2]!;
  });
}

function missingKeys(readme: string): string[] {
  const documented = documentedKeys(readme);
  const missing = new Set<string>();
  for (const binding of KEYMAP) {
    const keys = [...labelKeys(binding.label), ...binding.keys.map(keyName)];
    for (const key of keys) if (!isDocumentedKey(key, documented)) missing.add(`${key} (${binding.id})`);
  }
  return [...missing];
}

/** Keys the README documents that no binding has (a removed or renamed key). */
function staleKeys(readme: string): string[] {
  const known = new Set(
    KEYMAP.flatMap((binding) => [...labelKeys(binding.label), ...binding.keys.map(keyName)]),
  );
  return [...documentedKeys(readme)].filter((key) => !known.has(key));
}

// ---- : commands ------------------------------------------------------------------------------

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function mentionsCommand(readme: string, word: string): boolean {
  return new RegExp(`\`:${escapeRegExp(word)}(?=[\\s\`\\]|])`).test(readme);
}

function missingCommands(readme: string): string[] {
  const text = section(readme, 'Command mode');
  return COMMANDS.flatMap((command) => [command.name, ...(command.aliases ?? [])]).filter(
    (word) => !mentionsCommand(text, word),
  );
}

/** `:words` in the README that the command line would refuse. */
function unknownCommands(readme: string): string[] {
  const words = [...readme.matchAll(/`:([a-z][a-z0-9!-]*)/g)].map((match) => match[1]!);
  return [...new Set(words)].filter((word) => !findCommand(word));
}

// ---- CLI commands and flags ------------------------------------------------------------------

const CONNECTION_FLAGS = ['--api-key', '--base-url', '--profile', '--read-only'];

let program: Command;
beforeAll(async () => {
  const sink = new PassThrough();
  program = buildProgram(
    { stdout: sink, stderr: sink },
    () => {},
    await loadCommands(CLI_COMMANDS.map((entry) => entry.name)),
  );
});

interface CliCommand {
  /** e.g. "config set-profile"; "" for the program itself */
  path: string;
  command: Command;
  isDefault: boolean;
}

function cliCommands(): CliCommand[] {
  const found: CliCommand[] = [];
  const walk = (command: Command, prefix: string) => {
    for (const sub of command.commands) {
      const commandPath = `${prefix}${sub.name()}`;
      const isDefault = CLI_COMMANDS.some((entry) => entry.name === commandPath && entry.isDefault);
      found.push({ path: commandPath, command: sub, isDefault });
      walk(sub, `${commandPath} `);
    }
  };
  walk(program, '');
  return found;
}

/** `--[no-]read-only` documents both `--read-only` and `--no-read-only`. */
function expandNegations(text: string): string {
  return text.replace(/--\[no-\]([a-z][a-z-]*)/g, '--$1 --no-$1');
}

function hasFlag(line: string, flag: string): boolean {
  return new RegExp(`${escapeRegExp(flag)}(?![a-z-])`).test(line);
}

/** Every long option of every command is in that command's synopsis line of the CLI section. */
function missingFlags(readme: string): string[] {
  const lines = expandNegations(section(readme, 'CLI commands')).split('\n');
  const missing: string[] = [];
  for (const { path: commandPath, command, isDefault } of cliCommands()) {
    const synopses = lines.filter(
      (line) => line.includes(`\`tltop ${commandPath}`) || (isDefault && line.includes('`tltop [')),
    );
    if (synopses.length === 0) {
      missing.push(`tltop ${commandPath} (no synopsis line)`);
      continue;
    }
    const longs = command.options.map((option) => option.long).filter((long) => long !== undefined);
    const hasConnectionFlags = CONNECTION_FLAGS.every((flag) => longs.includes(flag));
    for (const flag of longs) {
      const viaShorthand =
        hasConnectionFlags &&
        CONNECTION_FLAGS.includes(flag) &&
        synopses.some((line) => line.includes('[connection flags]'));
      if (!viaShorthand && !synopses.some((line) => hasFlag(line, flag)))
        missing.push(`tltop ${commandPath} ${flag}`);
    }
    for (const alias of command.aliases()) {
      if (!readme.includes(`tltop ${alias}`)) missing.push(`tltop ${alias} (alias of ${commandPath})`);
    }
  }
  const connection = section(readme, 'Connection flags');
  for (const flag of CONNECTION_FLAGS)
    if (!hasFlag(connection, flag)) missing.push(`${flag} (connection flags)`);
  for (const option of program.options) {
    if (option.long && !hasFlag(readme, option.long)) missing.push(`tltop ${option.long}`);
  }
  return missing;
}

// ---- environment variables -------------------------------------------------------------------

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sourceFiles(file);
    return /\.tsx?$/.test(name) ? [file] : [];
  });
}

/** Variables src/ reads: `env.X`, `env['X']`, `envValue(env, 'X')`, `const { X } = process.env`, `*_ENV_VARS = ['X']`. */
function environmentVariablesRead(): Set<string> {
  const names = new Set<string>();
  for (const file of sourceFiles(path.join(ROOT, 'src'))) {
    const code = readFileSync(file, 'utf8');
    for (const match of code.matchAll(/\benv\??\.([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(match[1]!);
    for (const match of code.matchAll(/\benv(?:Value\(\s*env,\s*|\[\s*)'([A-Za-z_][A-Za-z0-9_]*)'/g))
      names.add(match[1]!);
    for (const match of code.matchAll(/\{([^}]*)\}\s*=\s*process\.env\b/g)) {
      for (const name of match[1]!.split(',')) {
        const variable = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(name)?.[1];
        if (variable) names.add(variable);
      }
    }
    for (const match of code.matchAll(/_ENV_VARS\s*=\s*\[([^\]]*)\]/g)) {
      for (const literal of match[1]!.matchAll(/'([A-Za-z_][A-Za-z0-9_]*)'/g)) names.add(literal[1]!);
    }
  }
  return names;
}

function missingVariables(readme: string): string[] {
  const documented = new Set(
    codeSpans(section(readme, 'Environment variables')).flatMap((span) => span.split(/[=\s]/)),
  );
  return [...environmentVariablesRead()].filter((name) => !documented.has(name)).sort();
}

// ---- profile settings ------------------------------------------------------------------------

/** The keys of `profileSchema = z.strictObject({ ... })` in src/cli/profiles.ts, read from the source. */
function profileKeys(): string[] {
  const code = readFileSync(path.join(ROOT, 'src/cli/profiles.ts'), 'utf8');
  const start = code.indexOf('{', code.indexOf('strictObject', code.indexOf('const profileSchema')));
  const keys: string[] = [];
  let depth = 0;
  for (const raw of code.slice(start).split('\n')) {
    const line = raw.replace(/\/\*.*?\*\/|\/\/.*$/g, '').replace(/'[^']*'|"[^"]*"|`[^`]*`/g, "''");
    if (depth === 1) {
      const key = /^\s*([a-z_]+):/.exec(line)?.[1];
      if (key) keys.push(key);
    }
    for (const char of line) {
      if ('({['.includes(char)) depth++;
      if (')}]'.includes(char)) depth--;
    }
    if (depth <= 0 && keys.length > 0) break;
  }
  return keys;
}

function missingProfileKeys(readme: string): string[] {
  const documented = new Set(codeSpans(section(readme, 'Profile settings')));
  return [...profileKeys(), ...POLL_KEY_NAMES, 'current_profile', 'profiles'].filter(
    (key) => !documented.has(key),
  );
}

// ---- links -----------------------------------------------------------------------------------

function slug(heading: string): string {
  return heading
    .replace(/^#+ /, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function brokenLinks(readme: string): string[] {
  const anchors = new Set(headings(readme).map(slug));
  const broken: string[] = [];
  for (const match of readme.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = match[1]!;
    if (/^https?:/.test(target)) continue;
    if (target.startsWith('#')) {
      if (!anchors.has(target.slice(1))) broken.push(target);
    } else if (!existsSync(path.join(ROOT, target))) broken.push(target);
  }
  return broken;
}

// ---- the tests -------------------------------------------------------------------------------

/** The README with one line cut out: the first that contains `needle`. */
function without(readme: string, needle: string | RegExp): string {
  const lines = readme.split('\n');
  const index = lines.findIndex((line) =>
    typeof needle === 'string' ? line.includes(needle) : needle.test(line),
  );
  expect(index, `README has no line with ${needle}`).toBeGreaterThanOrEqual(0);
  return [...lines.slice(0, index), ...lines.slice(index + 1)].join('\n');
}

describe('README.md is in step with the code', () => {
  it('has the sections a new operator needs, in reading order', () => {
    const top = headings(README)
      .filter((line) => line.startsWith('## '))
      .map((line) => line.slice(3));
    expect(top).toEqual(SECTION_ORDER);
    for (const title of [
      'Keys',
      'Command mode',
      'Connection flags',
      'Environment variables',
      'Profile settings',
    ])
      expect(section(README, title), `section "${title}"`).not.toBe('');
  });

  it('has no duplicated heading', () => {
    const seen = headings(README).map(slug);
    expect(seen.filter((anchor, index) => seen.indexOf(anchor) !== index)).toEqual([]);
  });

  it('documents every key of the keymap in its Keys section, and no key the keymap lacks', () => {
    expect(KEYMAP.length).toBeGreaterThan(20);
    expect(missingKeys(README)).toEqual([]);
    expect(staleKeys(README)).toEqual([]);
  });

  it('documents every : command and alias in its Command mode section, and no unknown one', () => {
    expect(missingCommands(README)).toEqual([]);
    expect(unknownCommands(README)).toEqual([]);
  });

  it('gives every CLI command a synopsis with all its flags', () => {
    expect(cliCommands().map((entry) => entry.path)).toEqual(
      expect.arrayContaining(['upload', 'config set-profile']),
    );
    expect(missingFlags(README)).toEqual([]);
  });

  it('documents every environment variable src/ reads', () => {
    const read = environmentVariablesRead();
    for (const name of [
      'TWELVELABS_API_KEY',
      'TWELVE_LABS_API_KEY',
      'TLTOP_PROFILE',
      'TLTOP_STATE_DIR',
      'NO_COLOR',
    ])
      expect(read).toContain(name);
    expect(missingVariables(README)).toEqual([]);
  });

  it('documents every profile setting config.json accepts', () => {
    expect(profileKeys()).toEqual(
      expect.arrayContaining(['base_url', 'api_key', 'stuck_after', 'read_only']),
    );
    expect(missingProfileKeys(README)).toEqual([]);
  });

  it('links only to headings and files that exist', () => {
    expect(brokenLinks(README)).toEqual([]);
  });

  it('each check notices a missing entry', () => {
    expect(missingKeys(without(README, /^\| `X` /))).toContain('X (upload.cancel)');
    expect(staleKeys(section(README, 'Keys').replace('| `X` ', '| `Z` '))).toEqual(['Z']);
    expect(missingCommands(README.replaceAll('`:stuck-after', '`:stuck'))).toEqual(['stuck-after']);
    expect(unknownCommands(`${README}\n\`:frobnicate\``)).toEqual(['frobnicate']);
    expect(missingFlags(README.replaceAll('--no-wait', '--wait'))).toEqual(['tltop upload --no-wait']);
    expect(missingFlags(README.replace(' [--activity]', ''))).toEqual(['tltop emulator --activity']);
    expect(missingFlags(README.replaceAll('`tltop config path', '`tltop config where'))).toEqual([
      'tltop config path (no synopsis line)',
    ]);
    expect(missingVariables(without(README, '`TLTOP_STATE_DIR`'))).toEqual(['TLTOP_STATE_DIR']);
    expect(missingProfileKeys(without(README, /^\| `notify_all_uploads`/))).toEqual(['notify_all_uploads']);
    expect(brokenLinks(`${README}\n[x](#no-such-heading) [y](docs/screenshots/missing.png)`)).toEqual([
      '#no-such-heading',
      'docs/screenshots/missing.png',
    ]);
  });
});
