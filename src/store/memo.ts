/** Remembers the last result and recomputes only when an argument (compared with Object.is) changes. */
export function memoLast<Args extends readonly unknown[], R>(
  compute: (...args: Args) => R,
): (...args: Args) => R {
  let lastArgs: Args | undefined;
  let lastResult: R | undefined;
  return (...args: Args): R => {
    if (lastArgs && args.length === lastArgs.length && args.every((arg, i) => Object.is(arg, lastArgs![i]))) {
      return lastResult as R;
    }
    lastArgs = args;
    lastResult = compute(...args);
    return lastResult;
  };
}
