import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiHarness, OWNER } from './test-support.js';

/**
 * Role edit and password reset of other admins (issue 10 item 19), through the API as the panel
 * calls it: the role applies at once to an open session, a reset ends the admin's sessions, the
 * last owner keeps the role, and nobody resets their own password this way.
 */
let h: ApiHarness;
beforeAll(async () => {
  h = await ApiHarness.create({});
});
afterAll(async () => {
  await h?.close();
});

describe('admin accounts', () => {
  it('changes a role at once, resets a password and ends the sessions, and keeps the last owner', async () => {
    const owner = await h.login();
    expect(
      (await h.call('POST', '/api/v1/admins', { session: owner, body: { username: 'ann', role: 'administrator', password: 'ann first password' } })).status,
    ).toBe(201);
    const ann = await h.login('ann', 'ann first password');
    expect((await h.call('GET', '/api/v1/admins', { session: ann })).status).toBe(200);

    const demoted = await h.call('PUT', '/api/v1/admins/ann/role', { session: owner, body: { role: 'read_only' } });
    expect(demoted.status).toBe(200);
    expect(demoted.body).toMatchObject({ username: 'ann', role: 'read_only' });
    // Her open session has the new role on its next request.
    expect((await h.call('GET', '/api/v1/admins', { session: ann })).status).toBe(403);

    expect((await h.call('PUT', '/api/v1/admins/ann/password', { session: owner, body: { password: 'short' } })).status).toBe(400);
    expect((await h.call('PUT', '/api/v1/admins/ann/password', { session: owner, body: { password: 'ann second password' } })).status).toBe(204);
    expect((await h.call('GET', '/api/v1/me', { session: ann })).status).toBe(401);
    await expect(h.login('ann', 'ann first password')).rejects.toThrow(/401/);
    await h.login('ann', 'ann second password');

    const self = await h.call('PUT', `/api/v1/admins/${OWNER.username}/password`, { session: owner, body: { password: 'another long password' } });
    expect(self.status).toBe(400);
    expect(self.body.error.message).toMatch(/your own password/);
    const last = await h.call('PUT', `/api/v1/admins/${OWNER.username}/role`, { session: owner, body: { role: 'administrator' } });
    expect(last.status).toBe(409);
    expect(last.body.error.message).toMatch(/last owner/);
    expect((await h.call('PUT', '/api/v1/admins/nobody/role', { session: owner, body: { role: 'read_only' } })).status).toBe(404);

    const audit = await h.call('GET', '/api/v1/audit?limit=20', { session: owner });
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['updateAdminRole', 'resetAdminPassword']));
  });
});
