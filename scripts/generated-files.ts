/**
 * The files idsync generates from its own definitions, so that each shape is written once:
 *
 * - ui/src/api/openapi.ts: the panel's types, from the admin API's OpenAPI document (the zod
 *   schemas of src/api/routes), by openapi-typescript;
 * - ui/src/api/rules.ts: the validation patterns the panel checks as the admin types, from the same
 *   document;
 * - docs/configuration.md: the reference tables between the `generated:config-reference` markers,
 *   from the configuration schema's own descriptions (src/config/schema.ts) and the directory
 *   profiles' defaults; docs/agent-configuration.md likewise from the agent's (src/agent/config.ts).
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
import { agentConfigReference, configReference, replaceBetweenMarkers } from './config-reference.js';

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

export async function panelTypes(doc: Record<string, unknown>): Promise<GeneratedFile> {
  const ast = await openapiTS(JSON.stringify(doc), {
    // A key with a default may be left out of a request body (DirectoryInput): optional, not required.
    defaultNonNullable: false,
    silent: true,
  });
  return { path: 'ui/src/api/openapi.ts', content: OPENAPI_HEADER + astToString(ast) };
}

/** The panel's copies of the server's rules, read from where the document states them. */
export function panelRules(doc: Record<string, unknown>): GeneratedFile {
  type Schema = { properties?: Record<string, Schema>; items?: Schema; pattern?: string };
  const input = (doc as { components: { schemas: Record<string, Schema> } }).components.schemas.DirectoryInput;
  const pattern = (what: string, s: Schema | undefined) => {
    if (!s?.pattern) throw new Error(`the OpenAPI document has no pattern for ${what}`);
    return s.pattern;
  };
  const rules = {
    DIRECTORY_NAME: ['A directory name, as src/config/schema.ts checks it.', pattern('DirectoryInput.name', input.properties?.name)],
    ATTRIBUTE_NAME: [
      'An LDAP attribute name (RFC 4512), as src/config/attribute-name.ts checks it.',
      pattern('DirectoryInput.attributes.username', input.properties?.attributes?.properties?.username),
    ],
    SERVER_URL: ['A directory server URL, as src/config/server-url.ts checks it.', pattern('DirectoryInput.servers', input.properties?.servers?.items)],
  };
  const body = Object.entries(rules)
    .map(([name, [what, p]]) => `/** ${what} */\nexport const ${name} = new RegExp(${JSON.stringify(p)});\n`)
    .join('\n');
  return { path: 'ui/src/api/rules.ts', content: RULES_HEADER + body };
}

const RULES_HEADER = `/**
 * GENERATED FILE, DO NOT EDIT: run \`npm run generate\` (scripts/generate.ts).
 *
 * The server's validation patterns, from its OpenAPI document, for the panel to check what the
 * admin types before the server does.
 */

`;

export function configurationDoc(): GeneratedFile {
  const file = 'docs/configuration.md';
  const current = readFileSync(path.join(root, file), 'utf8');
  return { path: file, content: replaceBetweenMarkers(current, configReference()) };
}

/** docs/agent-configuration.md: the on-premises agent's keys (src/agent/config.ts). */
export function agentConfigurationDoc(): GeneratedFile {
  const file = 'docs/agent-configuration.md';
  const current = readFileSync(path.join(root, file), 'utf8');
  return { path: file, content: replaceBetweenMarkers(current, agentConfigReference(), file) };
}

export async function generatedFiles(): Promise<GeneratedFile[]> {
  const doc = await openApiDocument();
  return [await panelTypes(doc), panelRules(doc), configurationDoc(), agentConfigurationDoc()];
}
