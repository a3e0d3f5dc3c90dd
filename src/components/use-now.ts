import { createContext, useContext, useEffect, useReducer, useRef } from 'react';

/** The two clocks a render reads: this machine's, and the server's (the demo's runs faster). */
export interface ClockReading {
  now: number;
  dataNow: number;
}

/**
 * What a component shows that depends on the clock, as text: the minute tick compares it at
 * the time it was drawn with and at the new time, and renders only when some probe differs.
 */
export type TickProbe = (clock: ClockReading) => string;

interface TickEntry {
  probe: TickProbe;
  /** the reading the component was drawn with */
  shown: ClockReading;
}

/**
 * The dashboard's minute clock: `latest` is read at each whole minute whether or not that tick
 * draws a frame, so a component that renders for another reason (new data) uses a time at most
 * a minute old, as it did when every tick rendered.
 */
export interface Ticker {
  entries: Set<TickEntry>;
  latest: ClockReading;
}

export function createTicker(serverNow: (() => number) | undefined): Ticker {
  const now = Date.now();
  return { entries: new Set(), latest: { now, dataNow: serverNow?.() ?? now } };
}

export const TickerContext = createContext<Ticker | undefined>(undefined);

/** The clock as of the last minute tick (undefined outside a dashboard). */
export function useClock(): ClockReading | undefined {
  return useContext(TickerContext)?.latest;
}

/** Registers `probe` (stable while its inputs are: useCallback) with the reading it was drawn with. */
export function useTickProbe(probe: TickProbe, shown: ClockReading): void {
  const ticker = useContext(TickerContext);
  const { now, dataNow } = shown;
  useEffect(() => {
    if (!ticker) return;
    const entry: TickEntry = { probe, shown: { now, dataNow } };
    ticker.entries.add(entry);
    return () => {
      ticker.entries.delete(entry);
    };
  }, [ticker, probe, now, dataNow]);
}

/** Whether any probe shows other text at `next` than at its drawn reading; a probe that throws counts as a change. */
export function tickChangesText(entries: Iterable<TickEntry>, next: ClockReading): boolean {
  for (const { probe, shown } of entries) {
    try {
      if (probe(next) !== probe(shown)) return true;
    } catch {
      return true;
    }
  }
  return false;
}

/**
 * Ticks `ticker` at each whole `intervalMs` (a minute) and returns its latest reading. A tick
 * renders (a frame) only when `always` is set (something on screen reads the clock without a
 * probe) or a registered probe's text changes: an idle dashboard whose times read the same
 * ("2h ago" stays "2h ago") renders nothing.
 */
export function useTickingNow(
  ticker: Ticker,
  serverNow: (() => number) | undefined,
  always: boolean,
  intervalMs = 60_000,
): ClockReading {
  const [, rerender] = useReducer((count: number) => count + 1, 0);
  const alwaysRef = useRef(always);
  useEffect(() => {
    alwaysRef.current = always;
  });
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout>;
    const schedule = () => {
      timer = setTimeout(
        () => {
          const wall = Date.now();
          const next = { now: wall, dataNow: serverNow?.() ?? wall };
          ticker.latest = next;
          if (alwaysRef.current || tickChangesText(ticker.entries, next)) rerender();
          schedule();
        },
        intervalMs - (Date.now() % intervalMs) + 5,
      );
    };
    schedule();
    return () => clearTimeout(timer);
  }, [ticker, serverNow, intervalMs]);
  // the server's clock is read on every render of the dashboard (the demo's runs faster than ours)
  if (serverNow) ticker.latest = { now: ticker.latest.now, dataNow: serverNow() };
  return ticker.latest;
}

/** Re-renders once `deadline` (epoch ms) has passed, e.g. to hide a message after a few seconds. */
export function useRerenderAt(deadline: number | undefined): void {
  const [, setTick] = useReducer((tick: number) => tick + 1, 0);
  useEffect(() => {
    if (deadline === undefined) return;
    const wait = deadline - Date.now();
    if (wait <= 0) return;
    const timer = setTimeout(setTick, wait + 5);
    return () => clearTimeout(timer);
  }, [deadline]);
}
