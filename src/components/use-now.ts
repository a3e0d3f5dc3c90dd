import { createContext, useContext, useEffect, useRef, useState } from 'react';

/** The two clocks a render reads: this machine's, and the server's (the demo's runs faster). */
export interface ClockReading {
  now: number;
  dataNow: number;
}

/**
 * What a component shows that depends on the clock, as text: the minute tick compares it at
 * the rendered time and at the new time, and renders only when some probe differs.
 */
export type TickProbe = (clock: ClockReading) => string;

export const TickProbesContext = createContext<Set<TickProbe> | undefined>(undefined);

/** Registers `probe` (keep it stable while its inputs are: useCallback) for the minute tick. */
export function useTickProbe(probe: TickProbe): void {
  const probes = useContext(TickProbesContext);
  useEffect(() => {
    if (!probes) return;
    probes.add(probe);
    return () => {
      probes.delete(probe);
    };
  }, [probes, probe]);
}

/** Whether any probe shows other text at `next` than at `shown`; a probe that throws counts as a change. */
export function tickChangesText(
  probes: Iterable<TickProbe>,
  shown: ClockReading,
  next: ClockReading,
): boolean {
  for (const probe of probes) {
    try {
      if (probe(next) !== probe(shown)) return true;
    } catch {
      return true;
    }
  }
  return false;
}

/**
 * The time the dashboard renders with. The clock is read at each whole `intervalMs` (a minute),
 * but a new time is committed (a render, a frame) only when `always` is set (something on screen
 * reads the clock without a probe) or a registered probe's text changes: an idle dashboard whose
 * times read the same ("2h ago" stays "2h ago") renders nothing.
 */
export function useTickingNow(
  probes: Set<TickProbe>,
  serverNow: (() => number) | undefined,
  always: boolean,
  intervalMs = 60_000,
): ClockReading {
  const [now, setNow] = useState(Date.now);
  // server timestamps are compared with the server's clock, read on every render: the demo's
  // clock runs faster than ours, and rows that arrived since the last tick must not look future
  const clock: ClockReading = { now, dataNow: serverNow?.() ?? now };
  const shown = useRef(clock);
  const alwaysRef = useRef(always);
  useEffect(() => {
    shown.current = clock;
    alwaysRef.current = always;
  });
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout>;
    const schedule = () => {
      timer = setTimeout(
        () => {
          const wall = Date.now();
          const next = { now: wall, dataNow: serverNow?.() ?? wall };
          if (alwaysRef.current || tickChangesText(probes, shown.current, next)) setNow(wall);
          schedule();
        },
        intervalMs - (Date.now() % intervalMs) + 5,
      );
    };
    schedule();
    return () => clearTimeout(timer);
  }, [probes, serverNow, intervalMs]);
  return clock;
}

/** Re-renders once `deadline` (epoch ms) has passed, e.g. to hide a message after a few seconds. */
export function useRerenderAt(deadline: number | undefined): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (deadline === undefined) return;
    const wait = deadline - Date.now();
    if (wait <= 0) return;
    const timer = setTimeout(() => setTick((tick) => tick + 1), wait + 5);
    return () => clearTimeout(timer);
  }, [deadline]);
}
