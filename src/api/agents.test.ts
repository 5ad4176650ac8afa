import { describe, expect, it } from 'vitest';
import { ApiHarness } from './test-support.js';

/** The agents' routes (issue 13): create (connect key shown once), list, enrol (once), revoke. */
describe('agents through the admin API', () => {
  it('creates an agent with a one-time connect key, enrols it once, lists it without secrets, and revokes it', async () => {
    const h = await ApiHarness.create();
    const created = await h.call('POST', '/api/v1/agents', { as: 'administrator', body: { name: 'site-a' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'site-a', state: 'waiting', connection: null, connectKey: expect.stringMatching(/^idsync-connect_/) });
    const connectKey: string = created.body.connectKey;
    expect((await h.call('POST', '/api/v1/agents', { as: 'administrator', body: { name: 'site-a' } })).body.error.code).toBe('STORE_CONFLICT');

    const enrolled = await h.call('POST', '/api/v1/agent/enroll', { as: null, body: { connectKey } });
    expect(enrolled.status).toBe(200);
    expect(enrolled.body).toMatchObject({ name: 'site-a', integrationKey: expect.stringMatching(/^ik_/), secretKey: expect.any(String) });
    // Shown once: from here on neither may appear in any answer (the harness checks every one).
    h.secrets.add(connectKey).add(enrolled.body.secretKey);
    const again = await h.call('POST', '/api/v1/agent/enroll', { as: null, body: { connectKey } });
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'AGENT_KEY_USED' } } });
    expect((await h.call('POST', '/api/v1/agent/enroll', { as: null, body: { connectKey: 'idsync-connect_x' } })).status).toBe(401);

    const list = await h.call('GET', '/api/v1/agents', { as: 'read_only' });
    expect(list.body.items).toEqual([expect.objectContaining({ name: 'site-a', state: 'enrolled', integrationKey: enrolled.body.integrationKey })]);
    expect(list.text).not.toMatch(/"connectKey":/);

    const revoked = await h.call('DELETE', '/api/v1/agents/site-a', { as: 'administrator' });
    expect(revoked).toMatchObject({ status: 200, body: { state: 'revoked' } });
    expect((await h.call('DELETE', '/api/v1/agents/nobody', { as: 'administrator' })).body.error.code).toBe('AGENT_NOT_FOUND');
    const audit = await h.call('GET', '/api/v1/audit', { as: 'owner' });
    const actions = (audit.body.items as { action: string }[]).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['createAgent', 'enrollAgent', 'revokeAgent']));
  });
});
