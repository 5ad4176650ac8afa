import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace } from '../../test/support/workspace.js';
import { ApiHarness } from './test-support.js';

/**
 * One username rule for local users, in the API and the CLI alike (issue 10 item 12: NUL,
 * control characters, `../` and a lone space were accepted). src/usernames.ts holds the rule.
 */
const BAD = ['nul\u0000name', 'bell\u0007', '../etc', 'a/b', ' ', ' padded', 'rtl\u202Eevil', '..'];
let h: ApiHarness;
beforeAll(async () => {
  h = await ApiHarness.create();
});
afterAll(async () => {
  await h?.close();
});

describe('local usernames', () => {
  it('are refused by POST /users and by a rename, with 400 naming the field', async () => {
    for (const username of BAD) {
      const r = await h.call('POST', '/api/v1/users', { as: 'user_manager', body: { username } });
      expect(r.status, JSON.stringify(username)).toBe(400);
      expect(r.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'username' });
    }
    expect((await h.call('POST', '/api/v1/users', { as: 'user_manager', body: { username: "Jean O'Brien" } })).status).toBe(201);
    const rename = await h.call('PATCH', `/api/v1/users/${encodeURIComponent("Jean O'Brien")}`, { as: 'user_manager', body: { username: '../jean' } });
    expect(rename.status).toBe(400);
    expect(rename.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'username' });
    const users = await h.call('GET', '/api/v1/users', { as: 'read_only' });
    expect(users.body.items.map((u: { username: string }) => u.username)).toEqual(["Jean O'Brien"]);
  });

  it('are refused by `idsync users add` with exit 2, the same message', async () => {
    const ws = new Workspace().configure([]);
    const bad = await ws.cli(['users', 'add', '../etc']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/VALIDATION_FAILED.*contains "\/"/);
    expect((await ws.cli(['users', 'add', ' '])).stderr).toMatch(/white space/);
    expect((await ws.cli(['users', 'add', 'ctl\u0001x'])).stderr).toMatch(/U\+0001/);
    expect((await ws.cli(['users', 'add', 'Jean Dupont'])).code).toBe(0);
  });
});
