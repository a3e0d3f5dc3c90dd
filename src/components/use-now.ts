import { useEffect, useState } from 'react';

/**
 * The current time, refreshed at each whole `intervalMs` of the wall clock (a minute by
 * default): what is shown changes then, so an idle dashboard renders once a minute, not
 * once a second.
 */
export function useNow(intervalMs = 60_000): number {
  const [time, setTime] = useState(Date.now);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout>;
    const schedule = () => {
      timer = setTimeout(
        () => {
          setTime(Date.now());
          schedule();
        },
        intervalMs - (Date.now() % intervalMs) + 5,
      );
    };
    schedule();
    return () => clearTimeout(timer);
  }, [intervalMs]);
  return time;
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
