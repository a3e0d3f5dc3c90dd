/** File-path completion for the new-upload prompt. */
import { readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';

/**
 * Entries of the typed path's directory that start with its last segment, as full
 * candidates (directories end with "/"). Unreadable directories give no candidates.
 */
export async function completePath(typed: string): Promise<string[]> {
  const expanded = typed.startsWith('~/') ? path.join(homedir(), typed.slice(2)) : typed;
  const slash = typed.lastIndexOf('/');
  const typedDir = slash >= 0 ? typed.slice(0, slash + 1) : '';
  const partial = slash >= 0 ? typed.slice(slash + 1) : typed;
  const dir = slash >= 0 ? expanded.slice(0, expanded.lastIndexOf('/') + 1) || '/' : '.';
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter(
        (entry) => entry.name.startsWith(partial) && (partial.startsWith('.') || !entry.name.startsWith('.')),
      )
      .map((entry) => `${typedDir}${entry.name}${entry.isDirectory() ? '/' : ''}`)
      .sort();
  } catch {
    return [];
  }
}
