import { describe, expect, it } from 'vitest';
import { openTestStore, storeBackends } from '../../test/support/store-backends.js';
import { agentCredentials, agentView, createAgent, exchangeConnectKey, revokeAgent, sha256 } from '../agent/hub/enrollment.js';
import { SecretBox } from '../directories/secret-box.js';

/** The store's Agents interface and the enrolment built on it (issue 13), over every backend. */
const backends = storeBackends('agents');
const t0 = new Date('2026-12-01T10:00:00Z');
const hours = (h: number) => new Date(t0.getTime() + h * 3_600_000);
const box = SecretBox.fromText('x'.repeat(40), 'test key');

describe.each(backends)('agents on %s', (_name, url) => {
  it('records a channel nonce once across every handle on the store, and forgets it once expired', async () => {
    const u = url();
    const a = await openTestStore(u);
    const b = await openTestStore(u);
    const until = new Date(t0.getTime() + 600_000);
    // Two serves on one store: the same nonce passes on exactly one of them, even at once.
    const results = await Promise.all([a.agents.useNonce('n1', until, t0), b.agents.useNonce('n1', until, t0)]);
    expect(results.sort()).toEqual([false, true]);
    expect(await b.agents.useNonce('n2', until, t0)).toBe(true);
    // Past its expiry the row is pruned (its date would be refused as skew by then anyway).
    expect(await a.agents.useNonce('n1', until, new Date(until.getTime() + 1))).toBe(true);
  });

  it('keeps only the hash of the connect key, exchanges it once, and refuses reuse, expiry and revoked agents with their own codes', async () => {
    const store = await openTestStore(url());
    const { connectKey, agent } = await createAgent(store, 'site-a', 'alice', t0);
    expect(agent.state).toBe('waiting');
    const row = (await store.agents.findByName('site-a'))!;
    expect(JSON.stringify(row)).not.toContain(connectKey);
    expect(row.connect_key_hash).toBe(sha256(connectKey));
    await expect(createAgent(store, 'site-a', null, t0)).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
    await expect(createAgent(store, 'bad name', null, t0)).rejects.toMatchObject({ code: 'USAGE' });

    await expect(exchangeConnectKey(store, box, 'idsync-connect_nope', t0)).rejects.toMatchObject({ code: 'AGENT_KEY_INVALID' });
    const creds = await exchangeConnectKey(store, box, connectKey, hours(23));
    expect(creds.name).toBe('site-a');
    const stored = (await store.agents.findByName('site-a'))!;
    expect(stored.secret_sealed).not.toContain(creds.secretKey);
    expect(await agentCredentials(store, box, creds.integrationKey)).toMatchObject({ secretKey: creds.secretKey });
    await expect(exchangeConnectKey(store, box, connectKey, hours(23))).rejects.toMatchObject({ code: 'AGENT_KEY_USED', message: /already used/ });

    const late = await createAgent(store, 'site-b', null, t0);
    await expect(exchangeConnectKey(store, box, late.connectKey, hours(24))).rejects.toMatchObject({ code: 'AGENT_KEY_EXPIRED', message: /expired/ });
    expect((await store.agents.list()).map((a) => a.name)).toEqual(['site-a', 'site-b']);

    await store.agents.channel(stored.id, { connectedSince: hours(23).toISOString(), heartbeatAt: hours(23).toISOString(), rttMs: 1.5, directories: ['corp'] });
    expect(agentView((await store.agents.findByName('site-a'))!, hours(23))).toMatchObject({ rttMs: 1.5, directories: ['corp'], state: 'enrolled' });
    await store.agents.channel(stored.id, { connectedSince: null });
    expect((await store.agents.findByName('site-a'))!).toMatchObject({ connected_since: null, rtt_ms: 1.5 });

    await revokeAgent(store, 'site-a', hours(25));
    expect(await agentCredentials(store, box, creds.integrationKey)).toMatchObject({ revoked: true });
    expect(await store.agents.revoke('site-a', hours(26))).toBe(false);
    await expect(revokeAgent(store, 'nobody', t0)).rejects.toMatchObject({ code: 'AGENT_NOT_FOUND' });
  });

  it('lets only one of two racing exchanges of the same key win', async () => {
    const store = await openTestStore(url());
    const { connectKey } = await createAgent(store, 'race', null, t0);
    const results = await Promise.allSettled([exchangeConnectKey(store, box, connectKey, hours(1)), exchangeConnectKey(store, box, connectKey, hours(1))]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'AGENT_KEY_USED' } });
  });
});
