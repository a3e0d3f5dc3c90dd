import type { IncomingMessage, ServerResponse } from 'node:http';
import { EmulatorError, type ErrorShape } from './errors.js';
import { readJson, send, sendError } from './http.js';
import { RateLimiter } from './rate-limit.js';
import { type Match, type Reply, type Router, routeLabel, type Scope, scopeOf } from './router.js';
import type { EmulatorState } from './state.js';

const UNMATCHED = '(unmatched)';
/** Calls that start work the account pays for: refused under the `usage-limit` fault once the credit is spent. */
const BILLABLE_ROUTES: ReadonlySet<string> = new Set([
  'POST /tasks',
  'POST /indexes/{index-id}/indexed-assets',
  'POST /embed/tasks',
  'POST /embed-v2/tasks',
  'POST /analyze/tasks',
  'POST /analyze',
]);
const CLIENT_GONE = 499;

export function internalError(): EmulatorError {
  return new EmulatorError(500, 'internal_error', 'The server encountered an internal error.');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One answered (or abandoned) request, as `--log` prints it: no query string, so no signature or key. */
export interface RequestLogEntry {
  route: string;
  status: number;
  ms: number;
}

/** Runs one request through auth, rate limit and faults to its route handler. */
export class Dispatcher {
  private readonly rateLimiter = new RateLimiter();
  private readonly stalls = new Set<NodeJS.Timeout>();

  constructor(
    private readonly state: EmulatorState,
    private readonly router: Router,
    private readonly onRequest?: (entry: RequestLogEntry) => void,
  ) {}

  stopStalls(): void {
    for (const timer of this.stalls) clearTimeout(timer);
    this.stalls.clear();
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    let label = `${method} ${UNMATCHED}`;
    // A request that never got a complete answer (client gone, stalled) counts as 499.
    const started = performance.now();
    res.on('close', () => {
      const status = res.writableFinished ? res.statusCode : CLIENT_GONE;
      this.state.stats.record(label, status);
      this.onRequest?.({ route: label, status, ms: performance.now() - started });
    });

    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const scoped = scopeOf(url.pathname);
    if (!scoped) {
      sendError(
        res,
        'classic',
        new EmulatorError(404, 'not_found', `No such endpoint: ${method} ${url.pathname}`),
      );
      return;
    }
    const match = this.router.match(scoped.scope, method, scoped.rest);
    const route = match && 'route' in match ? match.route : undefined;
    if (route) label = routeLabel(route);
    const shape: ErrorShape = route?.errors ?? (scoped.scope === 'storage' ? 'xml' : 'classic');
    const headers: Record<string, string> = scoped.scope === 'api' ? { 'X-Api-Version': '1.3' } : {};

    try {
      if (scoped.scope === 'api') this.authenticate(req, headers);
      if (!match) {
        throw new EmulatorError(404, 'not_found', `No such endpoint: ${method} ${url.pathname}`);
      }
      if ('allowed' in match) {
        throw new EmulatorError(405, 'method_not_allowed', `${method} is not allowed on ${url.pathname}.`, {
          Allow: match.allowed.join(', '),
        });
      }
      await this.run(match, scoped.scope, req, res, url, headers);
    } catch (error) {
      if (error instanceof EmulatorError) sendError(res, shape, error, headers);
      else if (res.headersSent || req.socket.destroyed) res.destroy();
      else sendError(res, shape, internalError(), headers);
    }
  }

  private authenticate(req: IncomingMessage, headers: Record<string, string>): void {
    const key = req.headers['x-api-key'];
    const given = Array.isArray(key) ? key[0] : key;
    const expected = this.state.config.apiKey;
    if (!given || given.trim() === '' || (expected !== undefined && given !== expected)) {
      throw new EmulatorError(
        401,
        'api_key_invalid',
        'The API key is invalid or expired. Check your x-api-key header.',
      );
    }
    const decision = this.rateLimiter.take(given, this.state.faults.rateLimit, this.state.now());
    Object.assign(headers, decision.headers);
    if (!decision.allowed) {
      const budget = this.state.faults.rateLimit!;
      throw new EmulatorError(
        429,
        'too_many_requests',
        `You have exceeded the rate limit (${budget.limit} requests per ${budget.windowMs / 1000}s). Please try again later after ${decision.retryAfterSeconds} seconds.`,
        { 'Retry-After': String(decision.retryAfterSeconds) },
      );
    }
  }

  private async run(
    match: Match,
    scope: Scope,
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    headers: Record<string, string>,
  ): Promise<void> {
    const faults = this.state.faults;
    if (scope !== 'admin') {
      const outageLeft = (this.state.outageEndsAt ?? 0) - this.state.now();
      if (outageLeft > 0) {
        throw new EmulatorError(503, 'service_unavailable', 'The service is temporarily unavailable.', {
          'Retry-After': String(Math.ceil(outageLeft / 1000)),
        });
      }
      if (faults.latencyMs > 0) await sleep(faults.latencyMs);
      if (this.state.faultRandom() < faults.stall) {
        this.stall(req);
        return;
      }
      if (scope === 'api' && this.state.faultRandom() < faults.api5xx) {
        throw this.state.faultRandom() < 0.5
          ? internalError()
          : new EmulatorError(503, 'service_unavailable', 'The service is temporarily unavailable.', {
              'Retry-After': '1',
            });
      }
    }
    if (scope === 'api') this.state.beforeRequest?.(this.state.now());
    if (scope === 'api') this.checkCredit(routeLabel(match.route));
    let body: Promise<unknown> | undefined;
    const reply: Reply | undefined = await match.route.handler({
      req,
      res,
      params: match.params,
      query: url.searchParams,
      json: () => {
        body ??= readJson(req);
        return body;
      },
    });
    if (reply) send(res, reply.status, reply.body, { ...headers, ...reply.headers });
  }

  /** NOTES.md §7: `usage_limit_exceeded` ("Not enough free credit…"), a 400 on the calls that start paid work. */
  private checkCredit(route: string): void {
    const limit = this.state.faults.usageLimitMinutes;
    if (limit === undefined || !BILLABLE_ROUTES.has(route)) return;
    if (this.state.usedMinutes(this.state.now()) < limit) return;
    throw new EmulatorError(
      400,
      'usage_limit_exceeded',
      `Not enough free credit. Please upgrade your plan. The usage limit of ${limit} minutes of video has been reached.`,
    );
  }

  /** Holds the request without answering (reading its body or not), then drops the connection. */
  private stall(req: IncomingMessage): void {
    if (this.state.faults.stallPhase === 'response') req.resume();
    else req.pause();
    const timer = setTimeout(() => {
      this.stalls.delete(timer);
      req.socket.destroy();
    }, this.state.faults.stallMs);
    this.stalls.add(timer);
    req.socket.once('close', () => {
      clearTimeout(timer);
      this.stalls.delete(timer);
    });
  }
}
