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

/**
 * memoLast whose result stays the previous object while `same` says the new one reads the
 * same: a reader comparing references (a sampled selector, a memoized component) renders
 * nothing for a recomputation that changed nothing.
 */
export function memoSame<Args extends readonly unknown[], R>(
  compute: (...args: Args) => R,
  same: (previous: R, next: R) => boolean,
): (...args: Args) => R {
  let kept: { value: R } | undefined;
  return memoLast((...args: Args): R => {
    const next = compute(...args);
    if (kept === undefined || !same(kept.value, next)) kept = { value: next };
    return kept.value;
  });
}

export function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const valuesCache = new WeakMap<object, readonly unknown[]>();

/**
 * The values of a keyed entity map, kept per map object: the walks over every loaded row
 * (stuck threshold, finish times, counts) that read the same map enumerate it once between
 * them. Enumerating a 10,000-key object is most of such a walk (for-in: about half of
 * Object.values on a map this size).
 */
export function valuesOf<V>(map: Readonly<Record<string, V>>): readonly V[] {
  let values = valuesCache.get(map) as readonly V[] | undefined;
  if (values === undefined) {
    const out: V[] = [];
    for (const key in map) out.push(map[key]!);
    values = out;
    valuesCache.set(map, values);
  }
  return values;
}
