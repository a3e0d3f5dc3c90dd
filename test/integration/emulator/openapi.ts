import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/**
 * Validates emulator responses against the official OpenAPI export, read from
 * `../shared/api/` beside the repository (never copied into it).
 *
 * Quirks of the export handled here (see shared/api/README.md): `$ref`s to schema
 * names with spaces are URI-encoded; `oneOf` is read as `anyOf` because its
 * branches are not mutually exclusive; paths are matched after `/v1.3` with a
 * literal segment beating a parameter.
 */
const SPEC_PATH = fileURLToPath(new URL('../../../../shared/api/twelvelabs-openapi.json', import.meta.url));
const SPEC_ID = 'https://twelvelabs.invalid/openapi.json';

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
type Spec = { paths: Record<string, Record<string, Operation>>; components: Record<string, unknown> };

function rewrite(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewrite);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#')) {
      out.$ref = `${SPEC_ID}#${value.slice(1).split('/').map(encodeURIComponent).join('/')}`;
    } else if (key === 'oneOf') {
      out.anyOf = rewrite(value);
    } else {
      out[key] = rewrite(value);
    }
  }
  return out;
}

const spec = rewrite(JSON.parse(readFileSync(SPEC_PATH, 'utf8'))) as Spec;
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
addFormats.default(ajv);
ajv.addSchema({ $id: SPEC_ID, components: spec.components });

const templates = Object.keys(spec.paths).map((template) => ({
  template,
  parts: template.split('/').filter(Boolean),
}));

/** The spec's path template for a request path (after /v1.3); literal segments win. */
export function specPath(path: string): string | undefined {
  const parts = path.split('?')[0]!.split('/').filter(Boolean);
  let best: { template: string; rank: string } | undefined;
  for (const candidate of templates) {
    if (candidate.parts.length !== parts.length) continue;
    let rank = '';
    const ok = candidate.parts.every((part, index) => {
      if (part.startsWith('{')) {
        rank += '0';
        return true;
      }
      rank += '1';
      return part === parts[index];
    });
    if (ok && (!best || rank > best.rank)) best = { template: candidate.template, rank };
  }
  return best?.template;
}

const cache = new Map<string, ValidateFunction | null>();

/** Whether the spec has this operation (method + path template). */
export function specOperation(method: string, path: string): boolean {
  const template = specPath(path);
  return template !== undefined && spec.paths[template]?.[method.toLowerCase()] !== undefined;
}

/**
 * The compiled validator for a response, or null when the spec declares no JSON
 * schema for it (undeclared statuses, or a request outside the spec such as a
 * deliberate wrong method).
 */
export function responseValidator(method: string, path: string, status: number): ValidateFunction | null {
  const template = specPath(path);
  if (!template) return null;
  const key = `${method} ${template} ${status}`;
  if (!cache.has(key)) {
    const operation = spec.paths[template]?.[method.toLowerCase()];
    if (!operation) return null;
    const schema = operation.responses?.[String(status)]?.content?.['application/json']?.schema;
    cache.set(key, schema === undefined ? null : ajv.compile(schema as object));
  }
  return cache.get(key)!;
}
