/**
 * Ink 8 draws every frame from scratch: its output pass tokenizes each line of text it writes
 * (Intl.Segmenter over every character) into a cache that lives for one frame only, so a frame
 * where one row of the table changed tokenizes the whole screen again: about half of the CPU
 * of a store update (bench/lib/render-diag.tsx). This keeps the previous frame's tokenized
 * lines and widths for the next frame: only new text is tokenized.
 *
 * Both caches map a string to a pure function of it (tokenize + filter; string-width), and Ink
 * never mutates what they return, so the frames are byte for byte the same (render-diag prints
 * a digest of the output with and without). Memory: the lines of two frames at most.
 *
 * It reaches into Ink's internal `Output` class (not exported): when the installed Ink does not
 * have the shape this expects, nothing is changed.
 */

interface OutputCaches {
  styledChars: Map<string, unknown>;
  widths: Map<string, number>;
  getStyledChars(line: string): unknown;
  getStringWidth(text: string): number;
}

interface OutputInstance {
  caches?: OutputCaches;
}

interface OutputClass {
  prototype: { get(this: OutputInstance): unknown };
  new (options: { width: number; height: number }): OutputInstance;
}

const INSTALLED = Symbol.for('tltop.inkFrameCache');

let enabled = true;

/** Turns the kept caches off (every frame tokenized afresh, as Ink does) or on again: for tests. */
export function setInkFrameCache(on: boolean): void {
  enabled = on;
}

/** Keeps the previous frame's caches in `Output` (a no-op when Ink's shape differs); true when installed. */
export function keepFrameCaches(Output: OutputClass): boolean {
  const proto = Output.prototype as OutputClass['prototype'] & { [INSTALLED]?: boolean };
  if (proto[INSTALLED]) return true;
  let cachesProto: OutputCaches | undefined;
  try {
    const caches = new Output({ width: 1, height: 1 }).caches;
    if (!(caches?.styledChars instanceof Map) || !(caches.widths instanceof Map)) return false;
    cachesProto = Object.getPrototypeOf(caches) as OutputCaches;
    if (typeof cachesProto.getStyledChars !== 'function' || typeof cachesProto.getStringWidth !== 'function')
      return false;
  } catch {
    return false;
  }
  const { getStyledChars, getStringWidth } = cachesProto;
  const originalGet = proto.get;
  let previous: { styledChars: Map<string, unknown>; widths: Map<string, number> } | undefined;
  proto.get = function (this: OutputInstance) {
    const caches = this.caches;
    if (!enabled) previous = undefined;
    else if (caches) {
      const before = previous;
      caches.getStyledChars = (line: string) => {
        let chars = caches.styledChars.get(line);
        if (chars === undefined) {
          chars = before?.styledChars.get(line);
          if (chars === undefined) return getStyledChars.call(caches, line);
          caches.styledChars.set(line, chars);
        }
        return chars;
      };
      caches.getStringWidth = (text: string) => {
        let width = caches.widths.get(text);
        if (width === undefined) {
          width = before?.widths.get(text);
          if (width === undefined) return getStringWidth.call(caches, text);
          caches.widths.set(text, width);
        }
        return width;
      };
      // this frame's caches serve the next frame; the one before is dropped
      previous = { styledChars: caches.styledChars, widths: caches.widths };
    }
    return originalGet.call(this);
  };
  proto[INSTALLED] = true;
  return true;
}

/** Finds Ink's Output class next to the installed Ink and keeps its caches across frames. */
export async function installInkFrameCache(): Promise<boolean> {
  try {
    const index = import.meta.resolve('ink');
    const module = (await import(new URL('./output.js', index).href)) as { default?: OutputClass };
    return module.default ? keepFrameCaches(module.default) : false;
  } catch {
    return false;
  }
}
