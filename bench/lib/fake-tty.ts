/** A TTY-shaped stdout/stdin pair for rendering the real App with Ink outside a terminal. */
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';

export class FakeStdout extends Writable {
  readonly isTTY = true;
  bytes = 0;
  writes = 0;

  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }

  override _write(chunk: Buffer | string, _encoding: string, callback: () => void) {
    this.bytes += chunk.length;
    this.writes += 1;
    callback();
  }
}

/** Never sends a key; Ink needs raw mode for useInput. */
export class FakeStdin extends EventEmitter {
  readonly isTTY = true;
  setRawMode() {}
  setEncoding() {}
  read() {
    return null;
  }
  ref() {}
  unref() {}
  resume() {}
  pause() {}
}
