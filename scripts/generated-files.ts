/**
 * The files idsync generates from its own definitions, so that each shape is written once:
 *
 * - ui/src/api/openapi.ts: the panel's types, from the admin API's OpenAPI document (the zod
 *   schemas of src/api/routes), by openapi-typescript;
 * - docs/configuration.md: the reference tables between the `generated:config-reference` markers,
 *   from the configuration schema's own descriptions (src/config/schema.ts) and the directory
 *   profiles' defaults.
 *
 * `npm run generate` (scripts/generate.ts) writes them; src/generated.unit.test.ts fails when a
 * committed file differs from what this would write now.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { createApiApp } from '../src/api/app.js';
import { parseConfig } from '../src/config/load.js';
import { createLogger } from '../src/log.js';
import { Store } from '../src/store/db.js';
import { configReference, replaceBetweenMarkers } from './config-reference.js';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface GeneratedFile {
  /** Relative to the repository root. */
  path: string;
  content: string;
}

/** The admin API's OpenAPI document, as GET /api/v1/openapi.json serves it (an in-memory store, no port). */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const config = parseConfig({ store: 'sqlite::memory:', directories: [] }, { baseDir: root, file: path.join(root, 'idsync.yaml'), env: {} });
  const store = await Store.open(config.store);
  const app = createApiApp({ store, config, log: createLogger('silent') });
  try {
    const res = await app.request('/api/v1/openapi.json');
    if (res.status !== 200) throw new Error(`GET /api/v1/openapi.json answered ${res.status}`);
    return (await res.json()) as Record<string, unknown>;
  } finally {
    await app.close();
    await store.close();
  }
}

const OPENAPI_HEADER = `/**
 * GENERATED FILE, DO NOT EDIT: run \`npm run generate\` (scripts/generate.ts).
 *
 * The admin API's shapes, from its OpenAPI document (/api/v1/openapi.json, built from the zod
 * schemas in src/api/routes) by openapi-typescript. The panel names them in ./types.ts.
 */

`;

export async function panelTypes(): Promise<GeneratedFile> {
  const ast = await openapiTS(JSON.stringify(await openApiDocument()), {
    // A key with a default may be left out of a request body (DirectoryInput): optional, not required.
    defaultNonNullable: false,
    silent: true,
  });
  return { path: 'ui/src/api/openapi.ts', content: OPENAPI_HEADER + astToString(ast) };
}

export function configurationDoc(): GeneratedFile {
  const file = 'docs/configuration.md';
  const current = readFileSync(path.join(root, file), 'utf8');
  return { path: file, content: replaceBetweenMarkers(current, configReference()) };
}

export async function generatedFiles(): Promise<GeneratedFile[]> {
  return [await panelTypes(), configurationDoc()];
}
