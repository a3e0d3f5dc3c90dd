/** The `:` command mode's contract: every command is one entry of COMMANDS (./index.ts). */
import type { StoreContext } from '../context.js';

export interface CommandSpec {
  /** what the user types after `:`, e.g. "export" */
  name: string;
  aliases?: readonly string[];
  /** how the help writes it, e.g. ":export FILE.csv|FILE.json" */
  usage: string;
  /** one line for the help and the completion list */
  description: string;
  /** true when the command changes server state (refused with --read-only) */
  mutates?: boolean;
  /**
   * Candidates for the last argument (`args` ends with the partial word, possibly "").
   * Absent: the command takes no arguments worth completing.
   */
  complete?(args: readonly string[], context: StoreContext): readonly string[] | Promise<readonly string[]>;
  /** Runs the command. A refusal throws an Error whose message is one line; the prompt shows it. */
  run(args: readonly string[], context: StoreContext): void | Promise<void>;
}
