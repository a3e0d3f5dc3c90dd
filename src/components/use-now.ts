import { useEffect, useState } from 'react';

/** The current time, refreshed every `intervalMs` (relative times and the clock). */
export function useNow(intervalMs: number, now: () => number = Date.now): number {
  const [time, setTime] = useState(now);
  useEffect(() => {
    const timer = setInterval(() => setTime(now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, now]);
  return time;
}
