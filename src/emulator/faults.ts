/**
 * Fault injection: what `--faults` and `PUT /_emulator/faults` configure.
 *
 * Grammar: comma-separated `key=value` pairs (an empty spec means no faults):
 *   put-fail=0.2          fraction of chunk PUTs answered 500
 *   api-5xx=0.05          fraction of API requests answered 500 or 503
 *   latency=20ms          delay added before every API and storage response
 *   stall=0.01            fraction of API requests and chunk PUTs that stall (no response)
 *   stall-time=60s        how long a stalled request is held before its connection is dropped
 *   stall-phase=request   where a stall happens: `request` (its body is never read) or
 *                         `response` (the body is read, the answer never comes)
 *   outage=60s           from now, every API call and chunk PUT is answered 503 for this long (emulator clock)
 *   url-ttl=30s           lifetime of presigned chunk URLs (default 1h, emulator clock)
 *   rate-limit=120/min    request budget per API key (per s, min or h); 429 + Retry-After beyond it
 *   put-rate=25MiB/s      bandwidth cap on each chunk PUT
 *   slow-chunks=0.05@5MiB/s  fraction of chunk PUTs read at the given (slower) rate
 *   random-seed=42        draw the fault decisions from a seeded generator (same request order, same faults)
 *   hold=0.1@6h           fraction of new indexing, embedding and analysis work that waits this much longer
 *                         in its queue (queued / processing) before it moves on: a backed-up queue
 *   usage-limit=600       the account's credit, in minutes of video: creating indexing, embedding or
 *                         analysis work once that much video is indexed or queued answers 400
 *                         usage_limit_exceeded; 0 = no credit left, off = unlimited
 * Rates are in [0, 1]; durations take ms, s, m or h; sizes take B, KB, MB, GB, KiB, MiB, GiB.
 */
export interface Faults {
  putFail: number;
  api5xx: number;
  latencyMs: number;
  stall: number;
  stallMs: number;
  stallPhase: 'request' | 'response';
  /** Length of an outage starting when these faults are applied. */
  outageMs: number;
  urlTtlMs: number;
  rateLimit?: { limit: number; windowMs: number };
  putRateBytesPerSecond?: number;
  slowChunks?: { rate: number; bytesPerSecond: number };
  randomSeed?: number;
  hold?: { rate: number; ms: number };
  usageLimitMinutes?: number;
}

export class FaultSpecError extends Error {
  override name = 'FaultSpecError';
}

export const FAULT_KEYS = [
  'put-fail',
  'api-5xx',
  'latency',
  'stall',
  'stall-time',
  'stall-phase',
  'outage',
  'url-ttl',
  'rate-limit',
  'put-rate',
  'slow-chunks',
  'random-seed',
  'hold',
  'usage-limit',
] as const;
type FaultKey = (typeof FAULT_KEYS)[number];

export function defaultFaults(): Faults {
  return {
    putFail: 0,
    api5xx: 0,
    latencyMs: 0,
    stall: 0,
    stallMs: 60_000,
    stallPhase: 'request',
    outageMs: 0,
    urlTtlMs: 3_600_000,
  };
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};
const WINDOW_UNITS: Record<string, number> = {
  s: 1000,
  sec: 1000,
  min: 60_000,
  m: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
};

function parseRate(key: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new FaultSpecError(`${key}: expected a rate between 0 and 1, got "${text}"`);
  }
  return value;
}

function parseDuration(key: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new FaultSpecError(`${key}: expected a duration like 20ms or 30s, got "${text}"`);
  return Number(match[1]) * DURATION_UNITS[match[2] ?? 'ms']!;
}

function parseBandwidth(key: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]i?b|b)\/s$/i.exec(text.trim());
  const value = match ? Number(match[1]) * SIZE_UNITS[match[2]!.toLowerCase()]! : Number.NaN;
  if (!(value > 0)) throw new FaultSpecError(`${key}: expected a bandwidth like 25MiB/s, got "${text}"`);
  return value;
}

function parseBudget(key: string, text: string): Faults['rateLimit'] {
  if (text.trim() === 'off' || text.trim() === '0') return undefined;
  const match = /^(\d+)\s*\/\s*([a-z]+)$/i.exec(text.trim());
  const windowMs = match ? WINDOW_UNITS[match[2]!.toLowerCase()] : undefined;
  const limit = match ? Number(match[1]) : 0;
  if (!windowMs || limit < 1) {
    throw new FaultSpecError(`${key}: expected a budget like 120/min, 10/s or off, got "${text}"`);
  }
  return { limit, windowMs };
}

function applyFault(faults: Faults, key: string, text: string): void {
  switch (key as FaultKey) {
    case 'put-fail':
      faults.putFail = parseRate(key, text);
      return;
    case 'api-5xx':
      faults.api5xx = parseRate(key, text);
      return;
    case 'latency':
      faults.latencyMs = parseDuration(key, text);
      return;
    case 'stall':
      faults.stall = parseRate(key, text);
      return;
    case 'stall-time':
      faults.stallMs = parseDuration(key, text);
      return;
    case 'stall-phase':
      if (text !== 'request' && text !== 'response') {
        throw new FaultSpecError(`${key}: expected request or response, got "${text}"`);
      }
      faults.stallPhase = text;
      return;
    case 'outage':
      faults.outageMs = parseDuration(key, text);
      return;
    case 'url-ttl': {
      const ttl = parseDuration(key, text);
      if (ttl <= 0) throw new FaultSpecError(`${key}: must be longer than 0`);
      faults.urlTtlMs = ttl;
      return;
    }
    case 'rate-limit':
      faults.rateLimit = parseBudget(key, text);
      return;
    case 'put-rate':
      faults.putRateBytesPerSecond = parseBandwidth(key, text);
      return;
    case 'slow-chunks': {
      const [rate, bandwidth] = text.split('@');
      if (rate === undefined || bandwidth === undefined) {
        throw new FaultSpecError(`${key}: expected RATE@BANDWIDTH like 0.05@5MiB/s, got "${text}"`);
      }
      faults.slowChunks = { rate: parseRate(key, rate), bytesPerSecond: parseBandwidth(key, bandwidth) };
      return;
    }
    case 'hold': {
      const [rate, duration] = text.split('@');
      if (rate === undefined || duration === undefined) {
        throw new FaultSpecError(`${key}: expected RATE@DURATION like 0.1@6h, got "${text}"`);
      }
      faults.hold = { rate: parseRate(key, rate), ms: parseDuration(key, duration) };
      return;
    }
    case 'usage-limit': {
      const value = text.trim();
      if (value === 'off') {
        faults.usageLimitMinutes = undefined;
        return;
      }
      if (!/^\d{1,9}$/.test(value)) {
        throw new FaultSpecError(`${key}: expected minutes of video (a whole number) or off, got "${text}"`);
      }
      faults.usageLimitMinutes = Number(value);
      return;
    }
    case 'random-seed':
      if (!/^\d{1,9}$/.test(text)) throw new FaultSpecError(`${key}: expected a whole number, got "${text}"`);
      faults.randomSeed = Number(text);
      return;
    default:
      throw new FaultSpecError(`unknown fault "${key}" (known: ${FAULT_KEYS.join(', ')})`);
  }
}

/** Parses a `--faults` spec; throws FaultSpecError with a one-line message. */
export function parseFaultSpec(spec: string): Faults {
  const faults = defaultFaults();
  for (const part of spec.split(',')) {
    if (part.trim() === '') continue;
    const separator = part.indexOf('=');
    if (separator < 0) throw new FaultSpecError(`expected key=value, got "${part.trim()}"`);
    applyFault(faults, part.slice(0, separator).trim(), part.slice(separator + 1).trim());
  }
  return faults;
}

/** The JSON form (same keys as the spec); values may be numbers or spec strings. */
export function parseFaultObject(input: unknown): Faults {
  if (typeof input === 'string') return parseFaultSpec(input);
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new FaultSpecError('expected an object of faults like {"put-fail": 0.2, "latency": "20ms"}');
  }
  const faults = defaultFaults();
  for (const [key, value] of Object.entries(input)) {
    if (value === null) continue;
    if (typeof value !== 'number' && typeof value !== 'string') {
      throw new FaultSpecError(`${key}: expected a number or a string`);
    }
    const text =
      typeof value === 'number' && (key === 'latency' || key === 'stall-time' || key === 'url-ttl')
        ? `${value}ms`
        : String(value);
    applyFault(faults, key, text);
  }
  return faults;
}

function formatDuration(ms: number): string {
  if (ms === 0) return '0ms';
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

function formatBandwidth(bytesPerSecond: number): string {
  for (const unit of ['GiB', 'MiB', 'KiB'] as const) {
    const size = SIZE_UNITS[unit.toLowerCase()]!;
    if (bytesPerSecond >= size && Number.isInteger((bytesPerSecond / size) * 1000)) {
      return `${Number((bytesPerSecond / size).toFixed(3))}${unit}/s`;
    }
  }
  return `${bytesPerSecond}B/s`;
}

function formatBudget(budget: NonNullable<Faults['rateLimit']>): string {
  const unit = budget.windowMs === 1000 ? 's' : budget.windowMs === 60_000 ? 'min' : 'h';
  return `${budget.limit}/${unit}`;
}

/** The faults in the same keys `--faults` takes, as `GET /_emulator/faults` reports them. */
export function describeFaults(faults: Faults): Record<string, number | string | null> {
  return {
    'put-fail': faults.putFail,
    'api-5xx': faults.api5xx,
    latency: formatDuration(faults.latencyMs),
    stall: faults.stall,
    'stall-time': formatDuration(faults.stallMs),
    'stall-phase': faults.stallPhase,
    outage: faults.outageMs > 0 ? formatDuration(faults.outageMs) : null,
    'url-ttl': formatDuration(faults.urlTtlMs),
    'rate-limit': faults.rateLimit ? formatBudget(faults.rateLimit) : null,
    'put-rate': faults.putRateBytesPerSecond ? formatBandwidth(faults.putRateBytesPerSecond) : null,
    'slow-chunks': faults.slowChunks
      ? `${faults.slowChunks.rate}@${formatBandwidth(faults.slowChunks.bytesPerSecond)}`
      : null,
    'random-seed': faults.randomSeed ?? null,
    hold: faults.hold ? `${faults.hold.rate}@${formatDuration(faults.hold.ms)}` : null,
    'usage-limit': faults.usageLimitMinutes ?? null,
  };
}
