import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../errors.js';
import { ApiHarness, type ApiResponse } from './test-support.js';

/**
 * The admin API against its own OpenAPI document (issue 10, API contract). The test walks every
 * operation of the document and sends it malformed and boundary inputs: huge numbers, empty
 * strings, wrong types, unknown enum values, `null`, bodies that are not objects or too large, and
 * methods a path does not have. It asserts that nothing answers 500, that every status is one the
 * document lists for the operation, that each error's code maps to that status and is among the
 * codes the document gives for it, and that an unsupported method is 405 with Allow.
 *
 * Directory-backed operations point at 127.0.0.1:9 (nothing listens), so they meet real
 * directory errors (502) without a directory server.
 */
type Schema = Record<string, any>;
interface Operation {
  method: string;
  path: string;
  id: string;
  op: Schema;
}

const HUGE = '99999999999999999999';
const DEAD_SERVER = 'ldap://127.0.0.1:9';

/** Valid bodies, per operation: each test mutates them one field at a time. */
const VALID_BODIES: Record<string, unknown> = {
  login: { username: 'root', password: 'not-the-password' },
  changeOwnPassword: { currentPassword: 'not-the-password', newPassword: 'a-long-enough-password' },
  setup: { username: 'first', password: 'a-long-enough-password' },
  createAdmin: { username: 'fuzzed', role: 'read_only', password: 'a-long-enough-password' },
  createToken: { name: 'fuzzed', role: 'read_only' },
  createDirectory: directory('fz'),
  updateDirectory: directory('apidir'),
  testDirectoryDraft: directory('draft'),
  searchDraftGroups: { directory: directory('draft'), search: 'eng', limit: 5 },
  syncUser: { username: 'alice' },
  createLocalUser: { username: 'fuzzy', email: 'f@x.test' },
  updateUser: { fullName: 'Lucy Local', phones: ['+12125550100'], status: 'active' },
  updateAdminRole: { role: 'read_only' },
  resetAdminPassword: { password: 'a-long-enough-password' },
  dryRunDirectoryDraft: directory('draft'),
  setUserPassword: { password: 'a-long-enough-password' },
  adoptUser: { directory: 'apidir' },
  createLocalGroup: { name: 'fuzzed-group', description: 'd' },
  updateLocalGroup: { description: 'd' },
  addLocalGroupMembers: { usernames: ['lucy'] },
  createAgent: { name: 'fuzzed-agent' },
  enrollAgent: { connectKey: 'idsync-connect_not-a-key' },
  verifyPassword: { username: 'lucy', password: 'not-the-password' },
  resyncPasswords: { directory: 'apidir' },
  // Issue 15: the second factor.
  verifyWebauthnChallenge: { username: 'lucy' },
  enrollStart: { token: 'a'.repeat(43) },
  enrollTotpBegin: { token: 'a'.repeat(43) },
  enrollTotpConfirm: { token: 'a'.repeat(43), pendingId: 'p', code: '123456' },
  enrollWebauthnOptions: { token: 'a'.repeat(43) },
  enrollWebauthnRegister: { token: 'a'.repeat(43), pendingId: 'p', response: {} },
  enrollFinish: { token: 'a'.repeat(43) },
  setUserFactorStatus: { status: 'bypass' },
  setGroupFactorStatus: { status: 'bypass' },
  setLocalGroupFactorStatus: { status: 'bypass' },
  updateMailTemplate: { subject: 'Enrol', text: 'Go: <enrollment-link>', html: '<a href="<enrollment-link>">go</a>' },
};

/**
 * Path parameters in a valid form: a directory and a user that exist, ids that do not (so that no
 * walk revokes the tokens it calls with).
 */
const VALID_PARAMS: Record<string, string> = { name: 'apidir', username: 'lucy', id: '424242', runId: '424242', kind: 'reminder' };

function directory(name: string) {
  return {
    name,
    type: 'openldap',
    servers: [DEAD_SERVER],
    transport: 'clear',
    bind: { dn: 'cn=svc,dc=corp', password: 'a-bind-password-for-fuzzing' },
    baseDn: 'dc=corp',
    groups: ['cn=eng,dc=corp'],
    filters: { user: '(objectClass=person)' },
    timeouts: { connectMs: 500, operationMs: 500 },
    continuous: { changes: 'off' },
    pageSize: 100,
  };
}

/** Boundary and wrong-type values for a JSON field. */
const BAD_VALUES: unknown[] = [
  null,
  '',
  'ldap://dc1:99999',
  'ldaps://?/',
  '(cn=a',
  'bogus-enum-value',
  1e20,
  -1,
  0.5,
  true,
  [],
  {},
  'x'.repeat(5000),
  '\u0000',
  [null],
];
/** The same for a query or path parameter (text). */
const BAD_TEXT = ['', HUGE, '-1', '1.5', '0x10', '1e3', 'null', 'true', 'bogus-enum-value', 'x'.repeat(3000), '%00', '%E2%80%AE', ' 1'];

/** Every path to a leaf of a JSON value (arrays: their first element). */
function leaves(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(v)) return [at, ...(v.length ? leaves(v[0], [...at, 0]) : [])];
  if (v && typeof v === 'object') return [...(at.length ? [at] : []), ...Object.entries(v).flatMap(([k, x]) => leaves(x, [...at, k]))];
  return [at];
}

function setAt(v: unknown, at: (string | number)[], value: unknown): unknown {
  if (!at.length) return value;
  const copy: any = Array.isArray(v) ? [...v] : { ...(v as object) };
  copy[at[0]] = setAt(copy[at[0]], at.slice(1), value);
  return copy;
}

describe('the admin API against its OpenAPI document', () => {
  let h: ApiHarness;
  let ops: Operation[];
  let doc: Schema;

  beforeAll(async () => {
    h = await ApiHarness.create({
      api: { maxBodyKb: 16 },
      directories: [
        {
          name: 'corp',
          type: 'openldap',
          servers: [DEAD_SERVER],
          transport: 'clear',
          baseDn: 'dc=corp',
          groups: ['cn=eng,dc=corp'],
          timeouts: { connectMs: 500, operationMs: 500 },
        },
      ],
    });
    h.secrets.add('a-bind-password-for-fuzzing');
    h.secrets.add('a-long-enough-password');
    expect((await h.call('POST', '/api/v1/directories', { body: directory('apidir') })).status).toBe(201);
    expect((await h.call('POST', '/api/v1/users', { body: { username: 'lucy' } })).status).toBe(201);
    expect((await h.call('POST', '/api/v1/users', { body: { username: 'alice' } })).status).toBe(201);
    doc = (await h.call('GET', '/api/v1/openapi.json', { as: null })).body;
    ops = Object.entries(doc.paths as Record<string, Record<string, Schema>>).flatMap(([path, byMethod]) =>
      Object.entries(byMethod).map(([method, op]) => ({ method: method.toUpperCase(), path, id: op.operationId as string, op })),
    );
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Resolves a `$ref` of the document. */
  const resolve = (s: Schema): Schema => (s?.$ref ? doc.components.schemas[s.$ref.split('/').pop()] : s);

  function urlOf(o: Operation, params: Record<string, string> = {}, query = ''): string {
    const path = o.path.replace(/\{([^}]+)\}/g, (_m, name: string) => params[name] ?? VALID_PARAMS[name] ?? '1');
    return `${path}${query ? `?${query}` : ''}`;
  }

  /** The contract for one answer; what breaks it is collected, so one run lists every breach. */
  let breaches: string[] = [];
  function check(o: Operation, what: string, r: ApiResponse): void {
    const where = `${o.method} ${o.path} (${o.id}) ${what}`;
    const documented = o.op.responses[String(r.status)];
    const code = r.body?.error?.code as keyof typeof ErrorCodes;
    if (r.status === 500) breaches.push(`${where}: 500 ${r.text.slice(0, 200)}`);
    else if (!documented)
      breaches.push(`${where}: ${r.status}, which the document does not list (it lists ${Object.keys(o.op.responses).join(', ')}): ${r.text.slice(0, 200)}`);
    else if (r.status >= 400 && typeof r.body?.error?.message !== 'string')
      breaches.push(`${where}: ${r.status} without the error shape: ${r.text.slice(0, 200)}`);
    else if (r.status >= 400 && ErrorCodes[code]?.http !== r.status) breaches.push(`${where}: code ${code} does not map to ${r.status}`);
    else if (r.status >= 400 && !documented['x-idsync-error-codes']?.includes(code)) breaches.push(`${where}: code ${code} is not listed for ${r.status}`);
  }
  beforeEach(() => {
    breaches = [];
  });
  afterEach(async () => {
    // Only the walking tests call check(); an empty list elsewhere is trivially true.
    expect(breaches).toEqual([]);
    // A walk that lost its credentials would go on meeting only 401s.
    expect((await h.call('GET', '/api/v1/me')).status).toBe(200);
  });

  const fuzzed = (o: Operation) => o.id !== 'streamEvents'; // an open event stream never ends; its auth is tested in app.test.ts

  it("documents every operation's error statuses with the error shape, and no nullable offset", () => {
    expect(ops.length).toBeGreaterThanOrEqual(41);
    for (const o of ops) {
      const statuses = Object.keys(o.op.responses).map(Number);
      for (const s of [400, 413, 500]) expect(statuses, `${o.id} lists ${s}`).toContain(s);
      if (o.op.security?.length) for (const s of [401, 403]) expect(statuses, `${o.id} lists ${s}`).toContain(s);
      for (const s of statuses.filter((x) => x >= 400))
        expect(o.op.responses[s].content['application/json'].schema.$ref, `${o.id} ${s}`).toBe('#/components/schemas/Error');
      for (const p of o.op.parameters ?? []) expect(p.schema.nullable, `${o.id} ${p.name}`).not.toBe(true);
    }
    const byId = Object.fromEntries(ops.map((o) => [o.id, o.op]));
    // The statuses the fuzzer of issue 10 saw undocumented.
    expect(Object.keys(byId.login.responses)).toContain('401');
    expect(Object.keys(byId.setup.responses)).toContain('403');
    expect(Object.keys(byId.createAdmin.responses)).toContain('409');
    for (const id of ['searchDirectoryGroups', 'syncDirectory', 'syncUser'])
      expect(Object.keys(byId[id].responses), id).toEqual(expect.arrayContaining(['502', '504']));
    // The rules are in the schema: the password minimum and the filter syntax.
    expect(resolve(byId.createAdmin.requestBody.content['application/json'].schema).properties.password.minLength).toBe(12);
    expect(resolve(byId.createDirectory.requestBody.content['application/json'].schema).properties.filters.properties.user.pattern).toBeTruthy();
  });

  it('answers the inputs that were internal errors with 400 or 409, naming the field', async () => {
    for (const list of ['users', 'runs', 'groups', 'trash', 'audit', 'runs/1', 'groups/1']) {
      const r = await h.call('GET', `/api/v1/${list}?offset=${HUGE}`, { as: 'read_only' });
      expect([400, 404], list).toContain(r.status);
      if (r.status === 400) expect(r.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'offset' });
    }
    expect((await h.call('GET', '/api/v1/users?offset=null', { as: 'read_only' })).body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'offset' });
    expect((await h.call('GET', '/api/v1/users?offset=0x10', { as: 'read_only' })).status).toBe(400);
    expect((await h.call('GET', `/api/v1/users?offset=${Number.MAX_SAFE_INTEGER}`, { as: 'read_only' })).body).toMatchObject({
      items: [],
      offset: Number.MAX_SAFE_INTEGER,
    });

    for (const name of ['ALICE', 'Alice', 'alice']) {
      const r = await h.call('PATCH', '/api/v1/users/lucy', { as: 'user_manager', body: { username: name } });
      expect(r.status, name).toBe(409);
      expect(r.body.error).toMatchObject({ code: 'STORE_CONFLICT', field: 'username' });
    }
    expect((await h.call('PATCH', '/api/v1/users/lucy', { as: 'user_manager', body: { username: 'LUCY' } })).body).toMatchObject({ username: 'LUCY' });
    expect((await h.call('PATCH', '/api/v1/users/LUCY', { as: 'user_manager', body: { username: 'lucy' } })).status).toBe(200);

    for (const [url, message] of [
      ['ldap://dc1:99999', /port 99999 is out of range/],
      ['ldaps://?/', /host name or address/],
    ] as const) {
      for (const [method, path, body, field] of [
        ['POST', '/api/v1/directories', directory('badurl'), 'servers[0]'],
        ['PUT', '/api/v1/directories/apidir', directory('apidir'), 'servers[0]'],
        ['POST', '/api/v1/directory-drafts/test', directory('draft'), 'servers[0]'],
        ['POST', '/api/v1/directory-drafts/groups', { directory: directory('draft') }, 'directory.servers[0]'],
      ] as const) {
        const withUrl = 'directory' in body ? { directory: { ...body.directory, servers: [url] } } : { ...body, servers: [url] };
        const r = await h.call(method, path, { body: withUrl });
        expect(r.status, `${method} ${path} ${url}`).toBe(400);
        expect(r.body.error, `${method} ${path} ${url}`).toMatchObject({ code: 'VALIDATION_FAILED', field, message: expect.stringMatching(message) });
      }
    }
    expect((await h.call('GET', '/api/v1/directories/badurl')).status).toBe(404);
  });

  it('answers an unsupported method on a known path with 405 and Allow', async () => {
    const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
    const byPath = new Map<string, string[]>();
    for (const o of ops) byPath.set(o.path, [...(byPath.get(o.path) ?? []), o.method]);
    for (const [path, have] of byPath) {
      const url = path.replace(/\{[^}]+\}/g, (m) => VALID_PARAMS[m.slice(1, -1)] ?? '1');
      for (const m of methods.filter((x) => !have.includes(x))) {
        const r = await h.call(m, url, { body: m === 'GET' ? undefined : {} });
        expect(r.status, `${m} ${url}`).toBe(405);
        expect(r.body.error.code).toBe('METHOD_NOT_ALLOWED');
        const allow = r.headers.get('allow')!.split(', ');
        expect(allow, `${m} ${url}`).toEqual(expect.arrayContaining(have));
        if (have.includes('GET')) expect(allow).toContain('HEAD');
      }
    }
    expect((await h.call('GET', '/api/v1/no-such-thing')).status).toBe(404);
  });

  it('never answers 500 nor an undocumented status to malformed path and query parameters', async () => {
    for (const o of ops.filter(fuzzed)) {
      // Valid first (DELETEs only on things that do not exist): directory-backed operations meet the dead server (502/504).
      const valid = o.method === 'DELETE' ? urlOf(o, { name: 'nosuchdir', username: 'nosuchuser' }) : urlOf(o, {}, o.id === 'syncDirectory' ? 'wait=true' : '');
      check(o, 'valid', await h.call(o.method, valid, { body: VALID_BODIES[o.id] }));
      for (const p of o.op.parameters ?? []) {
        for (const bad of BAD_TEXT) {
          if (p.in === 'path') {
            if (bad === '') continue; // an empty segment is another path
            check(o, `${p.name}=${bad.slice(0, 20)}`, await h.call(o.method, urlOf(o, { [p.name]: encodeURIComponent(bad) }), { body: VALID_BODIES[o.id] }));
          } else if (p.in === 'query') {
            const value = bad.startsWith('%') ? bad : encodeURIComponent(bad);
            check(o, `?${p.name}=${bad.slice(0, 20)}`, await h.call(o.method, urlOf(o, {}, `${p.name}=${value}`), { body: VALID_BODIES[o.id] }));
          }
        }
      }
    }
  });

  it('never answers 500 nor an undocumented status to malformed, boundary and oversized bodies', async () => {
    for (const o of ops.filter(fuzzed)) {
      if (!o.op.requestBody) continue;
      const valid = VALID_BODIES[o.id];
      expect(valid, `a valid body for ${o.id}`).toBeDefined();
      // The valid body itself (it may still be refused: a wrong password, a taken name, a dead server).
      check(o, 'valid body', await h.call(o.method, urlOf(o), { body: valid }));
      for (const raw of ['', 'not json', '{', 'null', '[]', '"text"', '1e400', JSON.stringify({ ...(valid as object), unknownKey: 1 })]) {
        check(o, `raw ${raw.slice(0, 20)}`, await h.call(o.method, urlOf(o), { raw, headers: { 'content-type': 'application/json' } }));
      }
      check(o, 'form body', await h.call(o.method, urlOf(o), { raw: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
      check(
        o,
        'oversized body',
        await h.call(o.method, urlOf(o), { raw: JSON.stringify({ pad: 'x'.repeat(20 * 1024) }), headers: { 'content-type': 'application/json' } }),
      );
      for (const at of leaves(valid)) {
        for (const bad of BAD_VALUES) {
          check(o, `${at.join('.')}=${JSON.stringify(bad)?.slice(0, 20)}`, await h.call(o.method, urlOf(o), { body: setAt(valid, at, bad) }));
        }
      }
      // Removing each key in turn.
      for (const at of leaves(valid).filter((a) => a.length && typeof a[a.length - 1] === 'string')) {
        const parent = at.slice(0, -1);
        const key = at[at.length - 1] as string;
        const without = parent.length
          ? setAt(valid, parent, Object.fromEntries(Object.entries(parent.reduce((v: any, k) => v[k], valid)).filter(([k]) => k !== key)))
          : Object.fromEntries(Object.entries(valid as object).filter(([k]) => k !== key));
        check(o, `without ${at.join('.')}`, await h.call(o.method, urlOf(o), { body: without }));
      }
    }
  });

  it('answers every documented operation without credentials with a documented 401, or its public answer', async () => {
    for (const o of ops.filter(fuzzed)) {
      const r = await h.call(o.method, urlOf(o), { as: null, body: VALID_BODIES[o.id] });
      check(o, 'without credentials', r);
      if (o.op.security?.length) expect(r.status, o.id).toBe(401);
    }
  });
});
