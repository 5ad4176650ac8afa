import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiHarness } from './test-support.js';

/**
 * The panel's types (ui/src/api/types.ts) are generated from the OpenAPI document (npm run
 * generate; src/generated.unit.test.ts checks they are current), so the shapes cannot drift; the
 * paths the panel calls are string literals, which the types do not check. This does: every call the
 * panel makes (api.get/post/put/del and fetchAll with a literal path) must be an operation of the
 * OpenAPI document with that method, so a renamed or removed endpoint fails here, not in front
 * of an administrator.
 */
const UI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../ui/src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : /\.tsx?$/.test(f) ? [p] : [];
  });
}

/** [method, path with `${…}` parts] of every call with a literal path. */
function panelCalls(): { method: string; path: string; file: string }[] {
  const out: { method: string; path: string; file: string }[] = [];
  const re = /\b(?:api\.(get|post|put|del)|fetchAll)(?:<(?:[^<>]|<[^<>]*>)*>)?\(\s*(`[^`]*`|'[^']*')/g;
  for (const file of sources(UI)) {
    for (const m of readFileSync(file, 'utf8').matchAll(re)) {
      const method = ({ get: 'GET', post: 'POST', put: 'PUT', del: 'DELETE' } as Record<string, string>)[m[1] ?? 'get'];
      out.push({ method, path: m[2].slice(1, -1), file: path.relative(UI, file) });
    }
  }
  return out;
}

let h: ApiHarness;
let documented: { method: string; concrete: string }[];
beforeAll(async () => {
  h = await ApiHarness.create({});
  const doc = (await h.call('GET', '/api/v1/openapi.json', { as: null })).body;
  documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, methods]) =>
    Object.keys(methods).map((m) => ({ method: m.toUpperCase(), concrete: p.replace(/^\/api\/v1/, '').replace(/\{[^}]+\}/g, 'X') })),
  );
});
afterAll(async () => {
  await h?.close();
});

describe('the panel calls only documented operations', () => {
  it('finds the calls', () => {
    expect(panelCalls().length).toBeGreaterThan(35);
  });

  it('matches each call to an operation with its method', () => {
    const missing = panelCalls().filter((c) => {
      const re = new RegExp(
        `^${c.path
          .split(/\$\{[^}]*\}/)
          .map((s) => s.replace(/[.*+?^()|[\]\\]/g, '\\$&'))
          .join('[^/]+')}$`,
      );
      return !documented.some((d) => d.method === c.method && re.test(d.concrete));
    });
    expect(missing).toEqual([]);
  });
});
