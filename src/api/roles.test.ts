import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, rolesFrom, type Role } from '../auth/roles.js';
import { createAdmin } from '../auth/admins.js';
import { ApiHarness, type Session } from './test-support.js';

/**
 * The role rules, table-driven from the OpenAPI document itself: every operation states its
 * minimum role (x-idsync-min-role), and for every operation each role below it gets 403 and no
 * credentials get 401, before the request is even validated. The minimum role itself is let
 * through. A second pass reads every GET endpoint as every role over a store that holds secrets
 * of every kind (a bind password, tokens, sessions, password hashes) and the harness fails the
 * test if any answer contains one.
 */
let h: ApiHarness;
let operations: { method: string; path: string; minRole: string; operationId: string; stream: boolean }[];

beforeAll(async () => {
  h = await ApiHarness.create({
    // A file directory with a password; its server does not exist, so directory calls fail (an error path to check too).
    directories: [
      {
        name: 'filedir',
        type: 'openldap',
        servers: ['ldap://127.0.0.1:9'],
        transport: 'clear',
        bind: { dn: 'cn=svc,dc=x', password: 'file-bind-secret-1' },
        baseDn: 'dc=x',
        groups: ['cn=g,dc=x'],
        timeouts: { connectMs: 300 },
      },
    ],
  });
  const doc = (await h.call('GET', '/api/v1/openapi.json', { as: null })).body;
  operations = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      minRole: op['x-idsync-min-role'],
      operationId: op.operationId,
      stream: !!op.responses['200']?.content?.['text/event-stream'],
    })),
  );
});
afterAll(async () => {
  await h?.close();
});

/** Path parameters that name nothing, so an allowed call changes nothing. */
function concrete(path: string): string {
  return path.replace('{name}', 'nosuchdir').replace('{username}', 'nosuchuser').replace('{id}', '999999').replace('{runId}', '999999');
}

describe('roles', () => {
  it('documents a minimum role for every operation', () => {
    expect(operations.length).toBeGreaterThan(35);
    const byRole = Object.fromEntries(
      ['public', ...ROLES].map((r) => [
        r,
        operations
          .filter((o) => o.minRole === r)
          .map((o) => o.operationId)
          .sort(),
      ]),
    );
    // The rules of the issue, spelled out: a change here is a change of the security model.
    // Issue 15: the enrollment page's steps, each authorised by the link's token in its body instead.
    expect(byRole.public).toEqual([
      'enrollAgent',
      'enrollFinish',
      'enrollStart',
      'enrollTotpBegin',
      'enrollTotpConfirm',
      'enrollWebauthnOptions',
      'enrollWebauthnRegister',
      'getSetup',
      'login',
      'setup',
    ]);
    expect(byRole.owner).toEqual(['createAdmin', 'createToken', 'deleteAdmin', 'resetAdminPassword', 'revokeToken', 'updateAdminRole']);
    expect(byRole.administrator).toEqual([
      'adoptUser',
      'approveRemovals',
      'createAgent',
      'createDirectory',
      'deleteDirectory',
      'dryRun',
      'dryRunDirectoryDraft',
      'listAdmins',
      'listTokens',
      'rejectRemovals',
      'resyncPasswords',
      'retryMail',
      'revokeAgent',
      'searchDraftGroups',
      'setGroupFactorStatus',
      'setLocalGroupFactorStatus',
      'setUserPassword',
      'syncDirectory',
      'testDirectory',
      'testDirectoryDraft',
      'updateDirectory',
      'updateMailTemplate',
    ]);
    expect(byRole.user_manager).toEqual([
      'addLocalGroupMembers',
      'createLocalGroup',
      'createLocalUser',
      'deleteLocalGroup',
      'purgeUser',
      'removeAuthenticator',
      'removeLocalGroupMember',
      'resendEnrollment',
      'restoreUser',
      'setUserFactorStatus',
      'syncUser',
      'updateLocalGroup',
      'updateUser',
    ]);
    expect(byRole.read_only).toEqual([
      'changeOwnPassword',
      'getDirectory',
      'getGroup',
      'getGroupMemberPaths',
      'getLocalGroup',
      'getMailTemplates',
      'getMe',
      'getRun',
      'getUser',
      'getUserSecondFactor',
      'listAgents',
      'listApprovals',
      'listAudit',
      'listDirectories',
      'listDirectoryTypes',
      'listEnrollments',
      'listGroupFactorStatuses',
      'listGroups',
      'listLocalGroups',
      'listMailOutbox',
      'listNodes',
      'listPasswordSync',
      'listRuns',
      'listTrash',
      'listUsers',
      'logout',
      'searchDirectoryGroups',
      'streamEvents',
    ]);
    // Issue 14: a token scope, not a role; no admin role reaches it.
    expect(operations.filter((o) => o.minRole === 'verify').map((o) => o.operationId)).toEqual(['verifyPassword', 'verifyWebauthnChallenge']);
    expect(operations.every((o) => ['public', 'verify', ...ROLES].includes(o.minRole))).toBe(true);
  });

  it("refuses every role below an operation's minimum with 403, and no credentials with 401", async () => {
    const refused: string[] = [];
    for (const op of operations.filter((o) => o.minRole !== 'public')) {
      const url = concrete(op.path);
      const body = op.method === 'GET' || op.method === 'DELETE' ? undefined : {};
      const anon = await h.call(op.method, url, { as: null, body });
      expect(anon.status, `${op.operationId} without credentials`).toBe(401);
      for (const role of ROLES.filter((r) => !rolesFrom(op.minRole as Role).includes(r))) {
        const r = await h.call(op.method, url, { as: role, body });
        expect(r.status, `${op.operationId} as ${role}`).toBe(403);
        expect(r.body.error.code).toBe('FORBIDDEN');
        refused.push(`${op.operationId}:${role}`);
      }
    }
    // 6 owner-only operations refuse 3 roles, 22 administrator ones 2, 13 user_manager ones 1, the 2 verify-scope ones all 4.
    expect(refused).toHaveLength(6 * 3 + 22 * 2 + 13 + 2 * 4);
  });

  it('lets a verify-scope token call POST /api/v1/auth/verify (and its WebAuthn challenge, issue 15) and nothing else (issue 14)', async () => {
    const created = await h.call('POST', '/api/v1/tokens', { body: { name: 'verify-only', role: 'verify' } });
    expect(created.status).toBe(201);
    for (const op of operations.filter((o) => o.minRole !== 'public' && o.minRole !== 'verify')) {
      const body = op.method === 'GET' || op.method === 'DELETE' ? undefined : {};
      const r = await h.call(op.method, concrete(op.path), { as: created.body.token, body });
      expect(r.status, `${op.operationId} as a verify token`).toBe(403);
      expect(r.body.error.message).toMatch(/scope verify/);
    }
  });

  it('lets the minimum role through the gate', async () => {
    const verifyToken = (await h.call('POST', '/api/v1/tokens', { body: { name: 'verify-gate', role: 'verify' } })).body.token;
    for (const op of operations.filter((o) => o.minRole !== 'public' && !o.stream && o.operationId !== 'changeOwnPassword' && o.operationId !== 'logout')) {
      const body = op.method === 'GET' || op.method === 'DELETE' ? undefined : {};
      const r = await h.call(op.method, concrete(op.path), { as: op.minRole === 'verify' ? verifyToken : (op.minRole as Role), body });
      expect([401, 403], `${op.operationId} as ${op.minRole}: ${r.text}`).not.toContain(r.status);
    }
  });
});

/**
 * The same matrix for panel sessions (issue 10, test gap "roles for sessions"): an admin of each
 * role logged in with a cookie, sending the session's CSRF token on every request as the panel
 * does, so that a refusal is the role's and never CSRF's.
 */
describe('roles for panel sessions', () => {
  const sessions = {} as Record<Role, Session>;
  beforeAll(async () => {
    for (const role of ROLES) {
      const username = `session-${role.replace('_', '-')}`;
      const password = `${username}-password-1`;
      await createAdmin(h.store, { username, role, password }, new Date());
      h.secrets.add(password);
      sessions[role] = await h.login(username, password);
    }
  });

  it("refuses every role below an operation's minimum with 403 FORBIDDEN, CSRF token sent", async () => {
    const refused: string[] = [];
    for (const op of operations.filter((o) => o.minRole !== 'public')) {
      const body = op.method === 'GET' || op.method === 'DELETE' ? undefined : {};
      for (const role of ROLES.filter((r) => !rolesFrom(op.minRole as Role).includes(r))) {
        const r = await h.call(op.method, concrete(op.path), { session: sessions[role], body });
        expect(r.status, `${op.operationId} as a ${role} session`).toBe(403);
        expect(r.body.error.code, `${op.operationId} as a ${role} session`).toBe('FORBIDDEN');
        refused.push(`${op.operationId}:${role}`);
      }
    }
    expect(refused).toHaveLength(6 * 3 + 22 * 2 + 13 + 2 * 4);
  });

  it('lets a session of the minimum role through the gate', async () => {
    // A token scope (verify) is never a session's: every session is refused it, above.
    for (const op of operations.filter(
      (o) => o.minRole !== 'public' && o.minRole !== 'verify' && !o.stream && o.operationId !== 'changeOwnPassword' && o.operationId !== 'logout',
    )) {
      const body = op.method === 'GET' || op.method === 'DELETE' ? undefined : {};
      const r = await h.call(op.method, concrete(op.path), { session: sessions[op.minRole as Role], body });
      expect([401, 403], `${op.operationId} as a ${op.minRole} session: ${r.text}`).not.toContain(r.status);
    }
    // Every session is still open: none of the calls above ended one.
    for (const role of ROLES) expect((await h.call('GET', '/api/v1/me', { session: sessions[role] })).body).toMatchObject({ kind: 'admin', role });
  });
});

describe('no secret in any answer', () => {
  it('reads every GET endpoint as every role, with secrets of every kind in the store, and never sends one', async () => {
    await h.call('POST', '/api/v1/directories', {
      body: {
        name: 'apidir',
        type: 'openldap',
        servers: ['ldap://127.0.0.1:9'],
        transport: 'clear',
        bind: { dn: 'cn=svc,dc=y', password: 'api-bind-secret-22' },
        baseDn: 'dc=y',
        groups: ['cn=g,dc=y'],
        timeouts: { connectMs: 300 },
      },
    });
    const created = await h.call('POST', '/api/v1/tokens', { body: { name: 'leaky', role: 'read_only' } });
    expect(created.body.token).toMatch(/^idsync_/);
    await h.call('POST', '/api/v1/admins', { body: { username: 'mgr', role: 'user_manager', password: 'mgr-password-12345' } });
    h.secrets.add('mgr-password-12345');
    const session = await h.login('mgr', 'mgr-password-12345');
    // The store holds the password sealed (src/directories/secret-box.ts): the sealed form counts as a
    // secret too (the harness reads it from the store), and the plaintext is the test's to name.
    const sealed = (await h.store.db.selectFrom('api_directories').select('bind_password').where('name', '=', 'apidir').executeTakeFirstOrThrow())
      .bind_password!;
    expect(sealed).toMatch(/^sealed:v1:/);
    expect(h.secrets.has(sealed)).toBe(true);
    h.secrets.add('api-bind-secret-22');
    // The check does catch a leak.
    expect(() => h.assertNoSecret('probe', '{"x":"api-bind-secret-22"}', new Headers())).toThrow(/contains a secret/);
    expect(() => h.assertNoSecret('probe', '', new Headers({ 'x-debug': created.body.token }))).toThrow(/contains a secret/);

    const reads = operations.filter((o) => o.method === 'GET' && !o.stream);
    for (const op of reads) {
      for (const path of [op.path.replace('{name}', 'apidir'), op.path.replace('{name}', 'filedir')]) {
        const url = path.replace('{username}', 'mgr').replace('{id}', '1').replace('{runId}', '1');
        for (const role of ROLES) await h.call('GET', url, { as: role });
        await h.call('GET', url, { session });
        await h.call('GET', url, { as: created.body.token });
      }
    }
    const dirs = await h.call('GET', '/api/v1/directories');
    expect(dirs.body.items.map((d: { name: string; managedBy: string; bind: unknown }) => [d.name, d.managedBy, d.bind])).toEqual([
      ['filedir', 'file', { dn: 'cn=svc,dc=x', passwordSet: true }],
      ['apidir', 'api', { dn: 'cn=svc,dc=y', passwordSet: true }],
    ]);
    // The directory endpoints failed to reach a server: error answers went through the check too.
    expect(h.seen.some((s) => s.path.endsWith('/groups') && s.status === 502)).toBe(true);
    for (const extra of ['/metrics', '/readyz', '/api/v1/openapi.json', '/api/v1/audit?limit=500']) await h.call('GET', extra);
  });
});
