import { EmulatorError, invalid, missing } from './errors.js';
import { isId } from './ids.js';

/** Reads and checks the fields of a JSON request body, answering like the API on bad input. */
export class BodyFields {
  private readonly fields: Record<string, unknown>;

  constructor(body: unknown) {
    if (body === undefined) {
      this.fields = {};
    } else if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new EmulatorError(400, 'parameter_invalid', 'The request body must be a JSON object.');
    } else {
      this.fields = body as Record<string, unknown>;
    }
  }

  has(name: string): boolean {
    return this.fields[name] !== undefined && this.fields[name] !== null;
  }

  raw(name: string): unknown {
    return this.fields[name];
  }

  string(name: string, options: { required: true; maxLength?: number }): string;
  string(name: string, options?: { required?: false; maxLength?: number }): string | undefined;
  string(name: string, options: { required?: boolean; maxLength?: number } = {}): string | undefined {
    const value = this.fields[name];
    if (value === undefined || value === null) {
      if (options.required) throw missing(name);
      return undefined;
    }
    if (typeof value !== 'string') throw invalid(name, 'It must be a string.');
    if (options.required && value.trim() === '') throw invalid(name, 'It must not be empty.');
    if (options.maxLength !== undefined && value.length > options.maxLength) {
      throw invalid(name, `It must be at most ${options.maxLength} characters.`);
    }
    return value;
  }

  integer(name: string, options: { required: true; min?: number; max?: number }): number;
  integer(name: string, options?: { required?: false; min?: number; max?: number }): number | undefined;
  integer(
    name: string,
    options: { required?: boolean; min?: number; max?: number } = {},
  ): number | undefined {
    const value = this.fields[name];
    if (value === undefined || value === null) {
      if (options.required) throw missing(name);
      return undefined;
    }
    return checkInteger(name, value, options.min, options.max);
  }

  number(name: string, options: { min?: number; max?: number } = {}): number | undefined {
    const value = this.fields[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(name, 'It must be a number.');
    if (options.min !== undefined && value < options.min)
      throw invalid(name, `It must be >= ${options.min}.`);
    if (options.max !== undefined && value > options.max)
      throw invalid(name, `It must be <= ${options.max}.`);
    return value;
  }

  boolean(name: string): boolean | undefined {
    const value = this.fields[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw invalid(name, 'It must be a boolean.');
    return value;
  }

  oneOf<T extends string>(name: string, choices: readonly T[], options: { required: true }): T;
  oneOf<T extends string>(name: string, choices: readonly T[], options?: { required?: false }): T | undefined;
  oneOf<T extends string>(name: string, choices: readonly T[], options: { required?: boolean } = {}) {
    const value = options.required ? this.string(name, { required: true }) : this.string(name);
    if (value === undefined) return undefined;
    if (!(choices as readonly string[]).includes(value)) {
      throw invalid(name, `It must be one of: ${choices.join(', ')}.`);
    }
    return value as T;
  }

  object(name: string): Record<string, unknown> | undefined {
    const value = this.fields[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) throw invalid(name, 'It must be an object.');
    return value as Record<string, unknown>;
  }

  array(name: string, options: { required: true; maxItems?: number }): unknown[];
  array(name: string, options?: { required?: false; maxItems?: number }): unknown[] | undefined;
  array(name: string, options: { required?: boolean; maxItems?: number } = {}): unknown[] | undefined {
    const value = this.fields[name];
    if (value === undefined || value === null) {
      if (options.required) throw missing(name);
      return undefined;
    }
    if (!Array.isArray(value)) throw invalid(name, 'It must be an array.');
    if (options.maxItems !== undefined && value.length > options.maxItems) {
      throw invalid(name, `It must have at most ${options.maxItems} items.`);
    }
    return value;
  }
}

function checkInteger(name: string, value: unknown, min?: number, max?: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    throw invalid(name, 'It must be an integer.');
  if (min !== undefined && value < min) throw invalid(name, `It must be >= ${min}.`);
  if (max !== undefined && value > max) throw invalid(name, `It must be <= ${max}.`);
  return value;
}

/** Query-string integers: digits only, in range. */
export function queryInteger(
  query: URLSearchParams,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const text = query.get(name);
  if (text === null) return fallback;
  if (!/^\d+$/.test(text)) throw invalid(name, 'It must be an integer.');
  const value = Number(text);
  if (value < min || value > max) throw invalid(name, `It must be between ${min} and ${max}.`);
  return value;
}

export function queryChoice<T extends string>(
  query: URLSearchParams,
  name: string,
  choices: readonly T[],
): T | undefined {
  const text = query.get(name);
  if (text === null) return undefined;
  if (!(choices as readonly string[]).includes(text)) {
    throw invalid(name, `It must be one of: ${choices.join(', ')}.`);
  }
  return text as T;
}

/** Repeated query keys (`status=a&status=b`); also accepts `status[]=a` and comma-separated values. */
export function queryList<T extends string>(
  query: URLSearchParams,
  name: string,
  choices?: readonly T[],
): T[] {
  const values = [...query.getAll(name), ...query.getAll(`${name}[]`)]
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter((value) => value !== '');
  if (choices) {
    for (const value of values) {
      if (!(choices as readonly string[]).includes(value)) {
        throw invalid(name, `It must be one of: ${choices.join(', ')}.`);
      }
    }
  }
  return values as T[];
}

export function queryTime(query: URLSearchParams, name: string): number | undefined {
  const text = query.get(name);
  if (text === null || text === '') return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw invalid(name, 'It must be an RFC 3339 date-time.');
  return ms;
}

export function pathId(value: string, name: string): string {
  if (!isId(value)) throw invalid(name);
  return value;
}

/** An optional id in the query string (`index_id`, `asset_id`): 24 hex characters or 400. */
export function queryId(query: URLSearchParams, name: string): string | undefined {
  const text = query.get(name);
  if (text === null || text === '') return undefined;
  return pathId(text, name);
}

/** An optional number in the query string (exact-match filters such as `duration`). */
export function queryNumber(query: URLSearchParams, name: string): number | undefined {
  const text = query.get(name);
  if (text === null || text === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) throw invalid(name, 'It must be a number.');
  return value;
}
