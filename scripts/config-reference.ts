/**
 * The reference tables of docs/configuration.md, from the configuration schema itself
 * (src/config/schema.ts): each key's type and default from its zod schema, its description and
 * example from its documentation (src/config/key-docs.ts), and the defaults that depend on the
 * directory type from the directory profiles. Written between the markers below by
 * `npm run generate`; the prose around them is the file's own.
 */
import { z, type ZodTypeAny } from 'zod';
import { keyDoc, typeName } from '../src/config/key-docs.js';
import { apiSchema, configSchema, directorySchema } from '../src/config/schema.js';
import { agentConfigSchema, agentDirectorySchema } from '../src/agent/config.js';
import { profileFor, type DirectoryType } from '../src/directory/profiles/index.js';

export const START = '<!-- generated:config-reference:start (npm run generate writes this block from src/config/schema.ts; do not edit) -->';
export const END = '<!-- generated:config-reference:end -->';

const PROFILE_NAMES: Record<DirectoryType, string> = { 'active-directory': 'AD', openldap: 'OpenLDAP' };

interface Row {
  key: string;
  type: string;
  default: string;
  description: string;
  example: string;
}

/** The layers around a value: optional, nullable, a default, refinements. */
interface Unwrapped {
  inner: ZodTypeAny;
  optional: boolean;
  nullable: boolean;
  hasDefault: boolean;
  defaultValue?: unknown;
  name?: string;
}

function unwrap(schema: ZodTypeAny): Unwrapped {
  const out: Unwrapped = { inner: schema, optional: false, nullable: false, hasDefault: false };
  let s = schema;
  for (;;) {
    out.name ??= typeName(s);
    if (s instanceof z.ZodOptional) out.optional = true;
    else if (s instanceof z.ZodNullable) out.nullable = true;
    else if (s instanceof z.ZodDefault) {
      out.hasDefault = true;
      out.defaultValue = s._def.defaultValue();
    } else if (!(s instanceof z.ZodEffects)) break;
    s = s instanceof z.ZodEffects ? s._def.schema : s._def.innerType;
  }
  out.inner = s;
  return out;
}

/** The description of a key: its outermost own description (wrappers copy their inner one). */
function descriptionOf(schema: ZodTypeAny): string {
  return schema.description ?? '';
}

function docOf(schema: ZodTypeAny) {
  for (let s: ZodTypeAny | undefined = schema; s; s = s._def.innerType ?? s._def.schema) {
    const d = keyDoc(s);
    if (d) return d;
  }
  return undefined;
}

const code = (v: string) => `\`${v}\``;

function bounds(checks: { kind: string; value?: number; inclusive?: boolean }[]): string {
  const min = checks.find((c) => c.kind === 'min');
  const max = checks.find((c) => c.kind === 'max');
  if (min && max) return ` ${min.value}–${max.value}`;
  if (min) return min.inclusive === false ? ` > ${min.value}` : ` ≥ ${min.value}`;
  if (max) return ` ≤ ${max.value}`;
  return '';
}

function typeOf(schema: ZodTypeAny): string {
  const u = unwrap(schema);
  let t: string;
  if (u.name) t = u.name;
  else if (u.inner instanceof z.ZodString) t = 'string';
  else if (u.inner instanceof z.ZodBoolean) t = 'boolean';
  else if (u.inner instanceof z.ZodNumber) {
    const checks = u.inner._def.checks as { kind: string; value?: number; inclusive?: boolean }[];
    const int = checks.some((c) => c.kind === 'int');
    t = (int ? 'integer' : 'number') + (checks.some((c) => c.kind === 'min' && c.value === 0 && c.inclusive === false) ? ' > 0' : bounds(checks));
  } else if (u.inner instanceof z.ZodEnum) t = (u.inner._def.values as string[]).map(code).join(' \\| ');
  else if (u.inner instanceof z.ZodArray) {
    const max = u.inner._def.maxLength?.value;
    t = `list of ${typeOf(u.inner._def.type)}${max !== undefined ? ` (at most ${max})` : ''}`;
  } else if (u.inner instanceof z.ZodObject) t = 'object';
  else t = 'value';
  return u.nullable ? `${t} or ${code('null')}` : t;
}

function yamlValue(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(yamlValue).join(', ')}]`;
  if (v && typeof v === 'object')
    return `{ ${Object.entries(v)
      .map(([k, x]) => `${k}: ${yamlValue(x)}`)
      .join(', ')} }`;
  return String(v);
}

/** A directory key's default taken from the profiles (filters, attribute names, memberRangeSize). */
function profileDefault(path: string[], list: boolean): string | undefined {
  const types = Object.keys(PROFILE_NAMES) as DirectoryType[];
  const values = types.map((t) => path.reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], profileFor(t)));
  if (values.every((v) => v === undefined)) return undefined;
  const show = (v: unknown) => (v === undefined ? 'none' : Array.isArray(v) && !list ? v.map((x) => code(String(x))).join(' and ') : code(yamlValue(v)));
  const shown = values.map(show);
  if (shown.every((s) => s === shown[0])) return shown[0];
  return types.map((t, i) => `${PROFILE_NAMES[t]} ${shown[i]}`).join('; ');
}

function defaultOf(schema: ZodTypeAny, path: string[], opts: { profiles: boolean; parentOptional?: string }): string {
  const doc = docOf(schema);
  const u = unwrap(schema);
  if (doc?.default) return doc.default;
  let d: string;
  if (u.hasDefault) {
    const v = u.defaultValue;
    d = v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0 ? 'see below' : code(yamlValue(v));
  } else if (opts.profiles && u.optional && profileDefault(path, u.inner instanceof z.ZodArray)) {
    d = profileDefault(path, u.inner instanceof z.ZodArray)!;
  } else if (u.optional) d = '—';
  else d = opts.parentOptional ? `(required with ${code(opts.parentOptional)})` : '(required)';
  return doc?.defaultNote ? `${d} ${doc.defaultNote}` : d;
}

/** Table cells hold no line breaks, and `|` would end the cell (GFM escapes it with a backslash, inside code too). */
const cell = (s: string) => s.replace(/\n/g, ' ').replace(/(?<!\\)\|/g, '\\|');

/**
 * One row per key. An object key without documentation of its own is a group of keys
 * (`timeouts`, `bind`), listed as `timeouts.connectMs`; a documented one is one row (`api`).
 */
function rows(shape: Record<string, ZodTypeAny>, prefix: string[], opts: { profiles: boolean; keyPrefix?: string; parentOptional?: string }): Row[] {
  const out: Row[] = [];
  for (const [key, schema] of Object.entries(shape)) {
    const u = unwrap(schema);
    const path = [...prefix, key];
    if (u.inner instanceof z.ZodObject && !docOf(schema)) {
      const parentOptional = u.optional && !u.hasDefault ? path.join('.') : undefined;
      out.push(...rows(u.inner.shape as Record<string, ZodTypeAny>, path, { ...opts, parentOptional }));
      continue;
    }
    const doc = docOf(schema);
    out.push({
      key: code((opts.keyPrefix ?? '') + path.join('.')),
      type: typeOf(schema),
      default: defaultOf(schema, path, opts),
      description: descriptionOf(schema),
      example: doc?.example ?? '',
    });
  }
  return out;
}

function table(list: Row[]): string {
  const lines = ['| key | type | default | description | example |', '|---|---|---|---|---|'];
  for (const r of list) lines.push(`| ${[r.key, r.type, r.default, r.description, r.example].map(cell).join(' | ')} |`);
  return lines.join('\n');
}

/** The three reference tables, in the order of the file. */
export function configReference(): { top: string; directories: string; api: string } {
  return {
    top: table(rows(configSchema.shape as Record<string, ZodTypeAny>, [], { profiles: false })),
    directories: table(rows(directorySchema.shape as Record<string, ZodTypeAny>, [], { profiles: true })),
    api: table(rows(apiSchema.shape as Record<string, ZodTypeAny>, [], { profiles: false, keyPrefix: 'api.' })),
  };
}

/** The on-premises agent's tables (docs/agent-configuration.md), from src/agent/config.ts. */
export function agentConfigReference(): { agent: string; agentDirectories: string } {
  return {
    agent: table(rows(agentConfigSchema.shape as Record<string, ZodTypeAny>, [], { profiles: false })),
    agentDirectories: table(rows(agentDirectorySchema.shape as Record<string, ZodTypeAny>, [], { profiles: false })),
  };
}

/**
 * The document with each generated block replaced: `<!-- generated:config-reference:start … -->`
 * markers name their table in the line after the start marker's comment (`top`, `directories`,
 * `api`).
 */
export function replaceBetweenMarkers(doc: string, tables: Record<string, string>, file = 'docs/configuration.md'): string {
  const re = /<!-- generated:config-reference:start[^>]*-->\n<!-- table: (\w+) -->\n[\s\S]*?<!-- generated:config-reference:end -->/g;
  const seen = new Set<string>();
  const out = doc.replace(re, (_m, name: string) => {
    const t = tables[name];
    if (t === undefined) throw new Error(`${file}: no generated table named "${name}"`);
    seen.add(name);
    return `${START}\n<!-- table: ${name} -->\n${t}\n${END}`;
  });
  const missing = Object.keys(tables).filter((n) => !seen.has(n));
  if (missing.length) throw new Error(`${file}: no markers for the generated table(s) ${missing.join(', ')}`);
  return out;
}
