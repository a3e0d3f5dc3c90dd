import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';

/** Thrown when the operator presses Ctrl-C (or closes input) at a prompt. */
export class PromptInterrupted extends Error {
  override name = 'PromptInterrupted';
}

export interface Prompter {
  ask(question: string): Promise<string>;
  /** Reads a line without echoing what is typed. */
  askHidden(question: string): Promise<string>;
  /** Prints one line below the prompts (e.g. why an answer was refused). */
  say(line: string): void;
  close(): void;
}

/**
 * Line prompts on a terminal. Hidden answers are read through the same readline with its
 * echo sent to a muted stream, so the typed key never reaches the screen.
 */
export function createPrompter(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Prompter {
  let muted = false;
  const echo = new Writable({
    write(chunk, _encoding, callback) {
      if (!muted) output.write(chunk);
      callback();
    },
  });
  const terminal = (input as { isTTY?: boolean }).isTTY === true;
  const rl = createInterface({ input, output: echo, terminal });
  const interrupted = new AbortController();
  rl.on('SIGINT', () => interrupted.abort());
  rl.on('close', () => interrupted.abort());

  const question = async (text: string, hidden: boolean) => {
    if (interrupted.signal.aborted) throw new PromptInterrupted('interrupted');
    // A visible prompt belongs to readline (it redraws it on edits); a hidden one is ours.
    if (hidden) output.write(text);
    muted = hidden;
    try {
      return (await rl.question(hidden ? '' : text, { signal: interrupted.signal })).trim();
    } catch {
      throw new PromptInterrupted('interrupted');
    } finally {
      if (hidden) output.write('\n');
      muted = false;
    }
  };

  return {
    ask: (text) => question(text, false),
    askHidden: (text) => question(text, true),
    say: (line) => output.write(`${line}\n`),
    close: () => {
      rl.removeAllListeners('close');
      rl.close();
    },
  };
}
