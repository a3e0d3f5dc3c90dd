import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorShape } from './errors.js';

export type Scope = 'api' | 'storage' | 'admin';

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The parsed JSON body (undefined when empty); rejects with an EmulatorError on bad input. */
  json(): Promise<unknown>;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A handler returns its reply, or undefined when it wrote the response itself. */
export type Handler = (context: RouteContext) => Promise<Reply | undefined> | Reply | undefined;

export interface Route {
  method: string;
  /** Path template after the scope prefix, e.g. `/tasks/{task_id}`. */
  path: string;
  scope: Scope;
  errors: ErrorShape;
  handler: Handler;
}

export interface Match {
  route: Route;
  params: Record<string, string>;
}

const SCOPE_PREFIX: Record<Scope, string> = { api: '/v1.3', storage: '/_storage', admin: '/_emulator' };

export function scopeOf(pathname: string): { scope: Scope; rest: string } | undefined {
  for (const [scope, prefix] of Object.entries(SCOPE_PREFIX) as [Scope, string][]) {
    if (pathname === prefix || pathname.startsWith(`${prefix}/`)) {
      return { scope, rest: pathname.slice(prefix.length) || '/' };
    }
  }
  return undefined;
}

/** The label stats use: `<METHOD> <prefix><template>`. */
export function routeLabel(route: Route): string {
  return `${route.method} ${route.scope === 'api' ? '' : SCOPE_PREFIX[route.scope]}${route.path}`;
}

function segments(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

/**
 * Matches method + path against the routes of a scope. A literal segment beats a
 * parameter (`/assets/multipart-uploads` is not `/assets/{asset_id}`).
 */
export class Router {
  private readonly compiled: { route: Route; parts: string[] }[];

  constructor(routes: Route[]) {
    this.compiled = routes.map((route) => ({ route, parts: segments(route.path) }));
  }

  match(scope: Scope, method: string, path: string): Match | { allowed: string[] } | undefined {
    const given = segments(path);
    let decoded: string[];
    try {
      decoded = given.map((segment) => decodeURIComponent(segment));
    } catch {
      return undefined;
    }
    const candidates: { route: Route; params: Record<string, string>; rank: string }[] = [];
    for (const { route, parts } of this.compiled) {
      if (route.scope !== scope || parts.length !== decoded.length) continue;
      const params: Record<string, string> = {};
      let rank = '';
      const matches = parts.every((part, index) => {
        const value = decoded[index]!;
        if (part.startsWith('{') && part.endsWith('}')) {
          params[part.slice(1, -1)] = value;
          rank += '0';
          return true;
        }
        rank += '1';
        return part === value;
      });
      if (matches) candidates.push({ route, params, rank });
    }
    if (candidates.length === 0) return undefined;
    candidates.sort((a, b) => (a.rank < b.rank ? 1 : a.rank > b.rank ? -1 : 0));
    const bestRank = candidates[0]!.rank;
    const best = candidates.filter((candidate) => candidate.rank === bestRank);
    const exact = best.find((candidate) => candidate.route.method === method);
    if (exact) return { route: exact.route, params: exact.params };
    if (method === 'HEAD') {
      const get = best.find((candidate) => candidate.route.method === 'GET');
      if (get) return { route: get.route, params: get.params };
    }
    return { allowed: best.map((candidate) => candidate.route.method) };
  }
}
