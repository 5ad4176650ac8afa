import { readFileSync, statSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import yaml from 'js-yaml';
import { startSlapd, type SlapdDirectory } from '../../test/harness/index.js';
import { agentCli, type AgentProc, startAgent } from '../../test/support/agent-process.js';
import { Workspace } from '../../test/support/workspace.js';
import { Store } from '../store/db.js';
import { CHANNEL_PATH, Headers, PROTOCOL_VERSION, signedHeaders } from './signature.js';

/**
 * Issue 13 with real processes: `idsync serve` (HTTPS, the test CA) and `idsync agent`, with a
 * slapd that only the agent can reach (the hub's directory has `agent:` and no servers or bind).
 */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Opens a channel with the given headers; resolves with 'open' or the refusal's status and message. */
function tryChannel(url: string, headers: Record<string, string>, ca: string): Promise<{ open: boolean; status?: number; message?: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${url.replace(/^https/, 'wss')}${CHANNEL_PATH}`, { headers, ca });
    ws.on('open', () => {
      ws.close();
      resolve({ open: true });
    });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ open: false, status: res.statusCode, message: JSON.parse(body).error.message }));
    });
    ws.on('error', () => undefined);
  });
}

describe('idsync agent with idsync serve (real processes, slapd reachable by the agent only)', () => {
  const certs = inject('certs');
  const ca = readFileSync(certs.caFile, 'utf8');
  let slapd: SlapdDirectory;
  let ws: Workspace;
  let serve: AgentProc;
  let hubUrl = '';
  let groupDn = '';
  const agentConfig = () => path.join(ws.dir, 'agent', 'agent.yaml');
  const users = async () => {
    const store = await Store.open(`sqlite:${path.join(ws.dir, 'data', 'idsync.db')}`);
    try {
      return await store.db.selectFrom('users').select(['username', 'notes', 'status']).orderBy('username').execute();
    } finally {
      await store.close();
    }
  };

  beforeAll(async () => {
    slapd = await startSlapd();
    const alice = await slapd.addUser({ uid: 'alice', sn: 'Smith', givenName: 'Alice', mail: 'alice@corp.example.test', userPassword: 'alice-secret-hash' });
    const bob = await slapd.addUser({ uid: 'bob', sn: 'Jones', givenName: 'Bob', userPassword: 'bob-secret-hash' });
    groupDn = await slapd.addGroup({ cn: 'eng', members: [alice, bob] });
    ws = new Workspace().configure(
      [
        {
          name: 'corp',
          type: 'openldap',
          agent: 'site-a',
          baseDn: slapd.baseDn,
          groups: [groupDn],
          // The hub asks for userPassword as the notes: the agent must never hand it over.
          importNotes: true,
          attributes: { notes: 'userPassword' },
          continuous: { changes: 'content-sync' },
          safeguard: { enabled: false },
        },
      ],
      // A fixed port: the hub is restarted below, and the agent's configuration names it.
      { api: { listen: `127.0.0.1:${await freePort()}`, tls: { certFile: certs.certFile, keyFile: certs.keyFile } } },
    );
    serve = ws.serve({ env: { IDSYNC_AGENT_HEARTBEAT_MS: '300' } });
    const { value } = await ws.waitFor(async () => /"url":"(https:\/\/127\.0\.0\.1:\d+)".*admin API listening/.exec(serve.output())?.[1], 60_000);
    hubUrl = value;
  }, 120_000);

  afterEach((ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    console.log(`--- idsync serve ---\n${serve?.output()}\n--- idsync agent ---\n${agent?.output()}\n--- end ---`);
  });

  afterAll(async () => {
    await agent?.stop();
    await serve?.stop();
    await slapd?.dispose();
  });

  it('enrols with a one-time connect key (reuse and expiry refused), writes a 0600 config without secrets, and syncs through the agent', async () => {
    const created = await ws.json(['agents', 'create', 'site-a']);
    expect(created).toMatchObject({ name: 'site-a', state: 'waiting' });
    const old = await ws.json(['agents', 'create', 'site-old'], { now: new Date(Date.now() - 25 * 3_600_000) });

    const r = await runAgentCli(['agent', 'connect', ...connectArgs(created.connectKey)]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/enrolled as agent "site-a".*0600 key file/);
    expect(statSync(agentConfig()).mode & 0o777).toBe(0o600);
    const text = readFileSync(agentConfig(), 'utf8');
    expect(text).not.toContain(slapd.password);
    const doc = yaml.load(text) as { secretKey: { file: string }; directories: { bind: { password: { file: string } } }[] };
    expect(statSync(path.join(path.dirname(agentConfig()), doc.secretKey.file)).mode & 0o777).toBe(0o600);
    expect(doc.directories[0].bind.password).toHaveProperty('file');

    const again = await runAgentCli(['agent', 'connect', ...connectArgs(created.connectKey)]);
    expect(again.code).toBe(6);
    expect(again.stderr).toMatch(/AGENT_KEY_USED.*already used/);
    const expired = await runAgentCli(['agent', 'connect', ...connectArgs(old.connectKey)], path.join(ws.dir, 'old', 'agent.yaml'));
    expect(expired.code).toBe(6);
    expect(expired.stderr).toMatch(/AGENT_KEY_EXPIRED.*expired/);

    agent = startAgent(agentConfig());
    const { value } = await ws.waitFor(async () => {
      const u = await users();
      return u.length === 2 && u;
    }, 60_000);
    expect(value.map((u) => u.username)).toEqual(['alice', 'bob']);
    // userPassword was asked for (as the notes) and never came back.
    expect(value.map((u) => u.notes)).toEqual([null, null]);
    expect(agent.output()).toMatch(/"attributes":\["userPassword"\],"msg":"password attributes removed from an entry"/);
    expect(serve.output()).not.toMatch(/alice-secret-hash/);
    expect(serve.output()).not.toContain(created.connectKey);
    expect(agent.output()).toMatch(/kept in the key file .* not encrypted with systemd-creds/);

    // Continuous sync through the agent: RFC 4533 refreshAndPersist relayed.
    await slapd.addUser({ uid: 'carol', sn: 'White', givenName: 'Carol' });
    await slapd.addMembers(groupDn, [`uid=carol,ou=people,${slapd.baseDn}`]);
    await ws.waitFor(async () => (await users()).some((u) => u.username === 'carol'), 30_000);

    // Outside idsync serve no process holds the agent's channel: said plainly.
    const test = await ws.cli(['directory', 'test', '--directory', 'corp']);
    expect(test.code).toBe(3);
    expect(test.stderr + test.stdout).toMatch(/reached through agent site-a, whose channel only `idsync serve` holds/);

    const list = await ws.json(['agents']);
    // What the serve holding the channel records, for `idsync agents` in this other process.
    expect(list.find((a: { name: string }) => a.name === 'site-a')).toMatchObject({
      state: 'enrolled',
      lastAddress: '127.0.0.1',
      connectedSince: expect.any(String),
      lastHeartbeatAt: expect.any(String),
      rttMs: expect.any(Number),
      directories: ['corp'],
    });
    expect((await ws.cli(['agents'])).stdout).toMatch(/site-a: enrolled; connected since .*\(round trip [\d.]+ ms\), serving corp/);
  }, 180_000);

  it('refuses a bad signature, a replay, clock skew and a protocol two versions apart, each with its own message; one apart works', async () => {
    const doc = yaml.load(readFileSync(agentConfig(), 'utf8')) as { integrationKey: string; secretKey: { file: string } };
    const secretKey = readFileSync(path.join(path.dirname(agentConfig()), doc.secretKey.file), 'utf8').trim();
    const creds = { integrationKey: doc.integrationKey, secretKey };
    const sign = (at: Date, key = secretKey) =>
      signedHeaders({ ...creds, secretKey: key }, 'GET', CHANNEL_PATH, at, { protocol: PROTOCOL_VERSION, version: 'test' });

    expect(await tryChannel(hubUrl, sign(new Date(), 'not-the-key'), ca)).toMatchObject({ open: false, status: 401, message: /bad signature/ });
    const skewed = await tryChannel(hubUrl, sign(new Date(Date.now() + 10 * 60_000)), ca);
    expect(skewed).toMatchObject({ open: false, status: 401, message: /clock skew: the agent's clock is 6\d\d s ahead of the hub's/ });
    const behind = await tryChannel(hubUrl, sign(new Date(Date.now() - 7 * 60_000)), ca);
    expect(behind.message).toMatch(/4\d\d s behind/);
    const far = await tryChannel(hubUrl, { ...sign(new Date()), [Headers.protocol]: String(PROTOCOL_VERSION + 2) }, ca);
    expect(far).toMatchObject({ open: false, status: 426, message: /protocol version mismatch/ });

    // A valid request works once (it replaces the agent's connection, which reconnects); the same headers again are a replay.
    const headers = sign(new Date());
    expect(await tryChannel(hubUrl, headers, ca)).toEqual({ open: true });
    expect(await tryChannel(hubUrl, headers, ca)).toMatchObject({ open: false, status: 401, message: /replayed request/ });
    // Issue 16: a second serve on the same store refuses it too (each serve kept its own nonces).
    const second = ws.serve({ args: ['--listen', '127.0.0.1:0'] });
    try {
      const { value: secondUrl } = await ws.waitFor(async () => /"url":"(https:\/\/127\.0\.0\.1:\d+)".*admin API listening/.exec(second.output())?.[1], 60_000);
      expect(await tryChannel(secondUrl, headers, ca)).toMatchObject({ open: false, status: 401, message: /replayed request/ });
      expect(await tryChannel(secondUrl, sign(new Date()), ca)).toEqual({ open: true });
    } finally {
      await second.stop();
    }
    // Neither key is ever logged, by the hub or the agent.
    for (const out of [serve.output(), agent.output()]) {
      expect(out).not.toContain(secretKey);
      expect(out).not.toContain(slapd.password);
    }
    // The real agent's clock 10 minutes ahead: it says why in its own log.
    const skewedAgent = startAgent(agentConfig(), { IDSYNC_AGENT_CLOCK_OFFSET_MS: String(10 * 60_000) });
    try {
      await ws.waitFor(async () => /the hub refused the channel: clock skew/.test(skewedAgent.output()), 20_000);
    } finally {
      await skewedAgent.stop();
    }
    // An agent one protocol version newer still works: the hub speaks the older of the two.
    const newer = startAgent(agentConfig(), { IDSYNC_AGENT_PROTOCOL: String(PROTOCOL_VERSION + 1) });
    try {
      await ws.waitFor(async () => new RegExp(`"protocol":${PROTOCOL_VERSION},"msg":"connected to the hub"`).test(newer.output()), 20_000);
    } finally {
      await newer.stop();
    }
    // The real agent is back (backoff with jitter).
    await ws.waitFor(async () => (await ws.json(['agents'])).length > 0 && /connected to the hub[\s\S]*connected to the hub/.test(agent.output()), 30_000);
  }, 120_000);

  it('resumes continuous sync after an agent restart and after a hub restart', async () => {
    const inStore = async (name: string) => (await users()).some((u) => u.username === name);
    await agent.stop();
    await slapd.addUser({ uid: 'dave', sn: 'Brown' });
    await slapd.addMembers(groupDn, [`uid=dave,ou=people,${slapd.baseDn}`]);
    agent = startAgent(agentConfig());
    await ws.waitFor(() => inStore('dave'), 60_000, 100);

    await serve.stop();
    await slapd.addUser({ uid: 'erin', sn: 'Green' });
    await slapd.addMembers(groupDn, [`uid=erin,ou=people,${slapd.baseDn}`]);
    serve = ws.serve({ env: { IDSYNC_AGENT_HEARTBEAT_MS: '300' } });
    // The agent comes back by itself (backoff with jitter), and what changed while the hub was down arrives.
    await ws.waitFor(() => inStore('erin'), 60_000, 100);
    expect(agent.output()).toMatch(/channel to the hub lost; reconnecting/);
  }, 150_000);

  it('answers the API through the agent: directory test, group type-ahead, single-user sync', async () => {
    const password = 'an-owner-password-1234';
    expect((await ws.cli(['admin', 'create', '--username', 'root'], { env: { IDSYNC_ADMIN_PASSWORD: password } })).code).toBe(0);
    const login = await call('POST', '/api/v1/auth/login', { username: 'root', password });
    expect(login.status).toBe(200);
    const session = { cookie: login.cookies.join('; '), csrf: (login.body as { csrfToken: string }).csrfToken };

    const test = await call('POST', '/api/v1/directories/corp/test', undefined, session);
    expect(test).toMatchObject({ status: 200, body: { ok: true, servers: [{ url: 'agent://site-a', ok: true, transport: 'agent' }] } });
    const groups = await call('GET', '/api/v1/directories/corp/groups?search=eng', undefined, session);
    expect(groups.status).toBe(200);
    expect(JSON.stringify(groups.body)).toContain(groupDn);
    await slapd.modify(`uid=alice,ou=people,${slapd.baseDn}`, 'mail', 'alice@new.example.test');
    const one = await call('POST', '/api/v1/directories/corp/sync/user', { username: 'alice' }, session);
    expect(one.status).toBe(200);
    const store = await Store.open(`sqlite:${path.join(ws.dir, 'data', 'idsync.db')}`);
    try {
      expect((await store.db.selectFrom('users').select('email').where('username', '=', 'alice').executeTakeFirst())?.email).toBe('alice@new.example.test');
    } finally {
      await store.close();
    }
  }, 60_000);

  /** A request to the hub's API over HTTPS (the test CA), with a panel session when given. */
  function call(method: string, p: string, body?: unknown, session?: { cookie: string; csrf: string }) {
    return new Promise<{ status: number; body: unknown; cookies: string[] }>((resolve, reject) => {
      const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = https.request(
        `${hubUrl}${p}`,
        {
          method,
          ca,
          headers: {
            ...(data ? { 'content-type': 'application/json', 'content-length': data.length } : {}),
            ...(session ? { cookie: session.cookie, 'x-csrf-token': session.csrf } : {}),
          },
        },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: text ? JSON.parse(text) : undefined,
              cookies: (res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]),
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(data);
    });
  }

  it('cuts the channel when the agent is revoked, and the agent cannot come back', async () => {
    const r = await ws.cli(['agents', 'revoke', 'site-a']);
    expect(r.code).toBe(0);
    // Revoked from another process: cut within a heartbeat (300 ms here).
    await ws.waitFor(async () => /"code":4401/.test(agent.output()), 10_000);
    await ws.waitFor(async () => /the hub refused the channel: agent \\"site-a\\" was revoked/.test(agent.output()), 20_000);
    await agent.stop();
    const after = (await ws.json(['agents'])).find((a: { name: string }) => a.name === 'site-a');
    expect(after).toMatchObject({ state: 'revoked', connectedSince: null });
  }, 60_000);

  let agent: AgentProc;

  /** The agent's commands take the agent's configuration through the global --config. */
  const runAgentCli = (args: string[], configFile = agentConfig()) => agentCli(configFile, args, { IDSYNC_BIND_PASSWORD: slapd.password });

  function connectArgs(key: string): string[] {
    return [
      '--hub',
      hubUrl,
      '--key',
      key,
      '--ca',
      certs.caFile,
      '--protect',
      'file',
      '--directory',
      'corp',
      '--server',
      slapd.url,
      '--directory-ca',
      slapd.caFile,
      '--base-dn',
      slapd.baseDn,
      '--bind-dn',
      slapd.bindDn,
    ];
  }
});
