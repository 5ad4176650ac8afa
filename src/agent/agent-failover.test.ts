import { readFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSlapd, type SlapdDirectory } from '../../test/harness/index.js';
import { agentCli, type AgentProc, startAgent } from '../../test/support/agent-process.js';
import { comparable, expectConverges } from '../../test/support/fresh-sync.js';
import { Workspace } from '../../test/support/workspace.js';

/**
 * Several agents per site (issue 13), real processes: `idsync serve` and two `idsync agent`s for
 * one directory, a slapd only the agents reach. The primary is SIGKILLed while changes keep coming;
 * the standby takes over within 30 s, and the store ends equal to a fresh full sync (no lost change,
 * no duplicate user): the serve worker resumes the RFC 4533 stream from its stored cookie.
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

interface Listed {
  name: string;
  connected: boolean;
  primaryFor: string[];
  standbyFor: string[];
  rttMs: number | null;
  version: string | null;
  lastAddress: string | null;
  lastHeartbeatAt: string | null;
}

describe('two idsync agents for one directory: primary and standby, failover on SIGKILL (real processes)', () => {
  const certs = inject('certs');
  let slapd: SlapdDirectory;
  let ws: Workspace;
  let serve: ReturnType<Workspace['serve']>;
  let hubUrl = '';
  let groupDn = '';
  const agents: Record<string, AgentProc> = {};
  const configOf = (name: string) => path.join(ws.dir, name, 'agent.yaml');

  beforeAll(async () => {
    slapd = await startSlapd();
    const first = await Promise.all(Array.from({ length: 20 }, (_, i) => slapd.addUser({ uid: `u${String(i).padStart(4, '0')}`, sn: 'Before' })));
    groupDn = await slapd.addGroup({ cn: 'staff', members: first });
    ws = new Workspace().configure(
      [
        {
          name: 'corp',
          type: 'openldap',
          // Failover order: site-a, then site-b.
          agent: ['site-a', 'site-b'],
          baseDn: slapd.baseDn,
          groups: [groupDn],
          continuous: { changes: 'content-sync' },
          safeguard: { enabled: false },
        },
      ],
      // Metrics without credentials, to scrape them here.
      { api: { listen: `127.0.0.1:${await freePort()}`, tls: { certFile: certs.certFile, keyFile: certs.keyFile }, publicMetrics: true } },
    );
    // Heartbeats every 5 s (half the default, for a shorter test); the first failover below comes from the dropped channel.
    serve = ws.serve({ env: { IDSYNC_AGENT_HEARTBEAT_MS: '5000' } });
    hubUrl = (await ws.waitFor(async () => /"url":"(https:\/\/127\.0\.0\.1:\d+)".*admin API listening/.exec(serve.output())?.[1], 60_000)).value;
    for (const name of ['site-a', 'site-b']) {
      const created = await ws.json(['agents', 'create', name]);
      const r = await agentCli(
        configOf(name),
        [
          'agent',
          'connect',
          ...['--hub', hubUrl, '--key', created.connectKey, '--ca', certs.caFile, '--protect', 'file', '--directory', 'corp'],
          ...['--server', slapd.url, '--directory-ca', slapd.caFile, '--base-dn', slapd.baseDn, '--bind-dn', slapd.bindDn],
        ],
        { IDSYNC_BIND_PASSWORD: slapd.password },
      );
      expect(r.code, r.stderr).toBe(0);
    }
  }, 120_000);

  afterAll(async () => {
    for (const a of Object.values(agents)) await a.stop();
    await serve?.stop();
    await slapd?.dispose();
  });

  /** Prometheus's view: /metrics over HTTPS (the test CA). */
  const metrics = () =>
    new Promise<string>((resolve, reject) => {
      https
        .get(`${hubUrl}/metrics`, { ca: readFileSync(certs.caFile) }, (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve(text));
        })
        .on('error', reject);
    });

  const listed = async (): Promise<Record<string, Listed>> => Object.fromEntries(((await ws.json(['agents'])) as Listed[]).map((a) => [a.name, a]));

  it('elects the first agent, keeps the second on standby, and fails over to it within 30 s with no lost or duplicate user', async () => {
    agents['site-a'] = startAgent(configOf('site-a'));
    await ws.waitFor(async () => (await ws.export()).users.length === 20, 60_000, 250);
    agents['site-b'] = startAgent(configOf('site-b'));
    const { value: before } = await ws.waitFor(async () => {
      const l = await listed();
      return l['site-a']?.connected && l['site-b']?.connected && l['site-b'].rttMs !== null && l;
    }, 30_000);
    expect(before['site-a']).toMatchObject({ primaryFor: ['corp'], standbyFor: [], lastAddress: '127.0.0.1', version: expect.any(String) });
    expect(before['site-b']).toMatchObject({ primaryFor: [], standbyFor: ['corp'], rttMs: expect.any(Number), lastHeartbeatAt: expect.any(String) });
    const text = (await ws.cli(['agents'])).stdout;
    expect(text).toMatch(/site-a: enrolled; connected since .*serving corp; primary for corp/);
    expect(text).toMatch(/site-b: enrolled; connected since .*serving corp; standby for corp/);
    const m = await metrics();
    expect(m).toContain('idsync_agent_primary{directory="corp",agent="site-a"} 1');
    expect(m).toContain('idsync_agent_primary{directory="corp",agent="site-b"} 0');
    expect(m).toMatch(/idsync_agent_connected\{agent="site-b",version="[^"]+"\} 1/);
    expect(m).toMatch(/idsync_agent_heartbeat_rtt_seconds\{agent="site-b"\} [\d.e-]+/);
    expect(m).toMatch(/idsync_agent_tunnels\{agent="site-a"\} [1-9]/);

    // Changes keep coming: new users joining the group, and attribute changes, every 50 ms.
    let writing = true;
    let n = 0;
    const added: { uid: string; at: number }[] = [];
    const writer = (async () => {
      while (writing) {
        const uid = `w${String(n++).padStart(4, '0')}`;
        const dn = await slapd.addUser({ uid, sn: 'During', mail: `${uid}@corp.example.test` });
        await slapd.addMembers(groupDn, [dn]);
        await slapd.modify(`uid=u${String(n % 20).padStart(4, '0')},ou=people,${slapd.baseDn}`, 'mail', `u${n}@changed.example.test`);
        added.push({ uid, at: Date.now() });
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    await new Promise((r) => setTimeout(r, 2000));

    agents['site-a'].child.kill('SIGKILL');
    const killedAt = Date.now();
    const { value: after } = await ws.waitFor(async () => {
      const l = await listed();
      return l['site-b']?.primaryFor.includes('corp') && l;
    }, 30_000);
    expect(after['site-a'].connected).toBe(false);
    const m2 = await metrics();
    expect(m2).toContain('idsync_agent_primary{directory="corp",agent="site-b"} 1');
    expect(m2).toMatch(/idsync_agent_connected\{agent="site-a",version="[^"]+"\} 0/);
    // The standby has taken over: a user added after the kill reaches the store through it.
    const { ms } = await ws.waitFor(
      async () => {
        const later = added.find((a) => a.at > killedAt + 500);
        return later && (await ws.export()).users.some((u) => u.username === later.uid);
      },
      30_000,
      250,
    );
    const tookOverMs = Date.now() - killedAt;
    console.log(`failover: change after the kill in the store ${tookOverMs} ms after SIGKILL (wait ${ms} ms)`);
    expect(tookOverMs).toBeLessThan(30_000);
    expect(serve.output()).toMatch(/"directory":"corp","from":"site-a","to":"site-b","msg":"agent primary elected"/);

    await new Promise((r) => setTimeout(r, 2000));
    writing = false;
    await writer;

    // The directory as a fresh full sync over a direct connection sees it.
    const direct = new Workspace().configure([
      {
        name: 'corp',
        type: 'openldap',
        servers: [slapd.url],
        caFile: slapd.caFile,
        bind: { dn: slapd.bindDn, password: slapd.password },
        baseDn: slapd.baseDn,
        groups: [groupDn],
        safeguard: { enabled: false },
      },
    ]);
    await direct.sync();
    const expected = comparable(await direct.export());
    expect(expected.users.length).toBe(20 + n);
    await expectConverges(ws, expected, 30_000);
  }, 180_000);

  it('moves to the other agent when the primary stops answering its heartbeat (SIGSTOP), and keeps the new primary when the old one answers', async () => {
    // site-a comes back as the standby: the primary does not flap back.
    agents['site-a'] = startAgent(configOf('site-a'));
    await ws.waitFor(async () => {
      const l = await listed();
      return l['site-a']?.connected && l['site-a'].standbyFor.includes('corp') && l['site-b'].primaryFor.includes('corp');
    }, 30_000);
    agents['site-b'].child.kill('SIGSTOP');
    const stoppedAt = Date.now();
    try {
      const dn = await slapd.addUser({ uid: 'after-stop', sn: 'Stop' });
      await slapd.addMembers(groupDn, [dn]);
      // Heartbeats every 5 s here: one unanswered moves the primary (with the default 10 s, within 20 s of the last answer).
      await ws.waitFor(async () => (await ws.export()).users.some((u) => u.username === 'after-stop'), 30_000, 250);
      const ms = Date.now() - stoppedAt;
      console.log(`failover on a silent primary: change in the store ${ms} ms after SIGSTOP`);
      expect(ms).toBeLessThan(30_000);
      expect((await listed())['site-a'].primaryFor).toEqual(['corp']);
    } finally {
      agents['site-b'].child.kill('SIGCONT');
    }
    await ws.waitFor(async () => {
      const l = await listed();
      return l['site-b']?.connected && l['site-b'].standbyFor.includes('corp') && l['site-a'].primaryFor.includes('corp');
    }, 60_000);
  }, 120_000);

  it('cuts the channel of an agent revoked with the CLI within a second or so, well before its next heartbeat; the other agent carries on', async () => {
    const r = await ws.cli(['agents', 'revoke', 'site-a']);
    expect(r.code).toBe(0);
    const revokedAt = Date.now();
    await ws.waitFor(async () => /"code":4401/.test(agents['site-a'].output()), 10_000, 20);
    const ms = Date.now() - revokedAt;
    console.log(`revocation from the CLI: channel closed ${ms} ms after the command returned`);
    expect(ms).toBeLessThan(2500);
    await ws.waitFor(async () => (await listed())['site-b']?.primaryFor.includes('corp'), 30_000);
    const dn = await slapd.addUser({ uid: 'after-revoke', sn: 'Revoke' });
    await slapd.addMembers(groupDn, [dn]);
    await ws.waitFor(async () => (await ws.export()).users.some((u) => u.username === 'after-revoke'), 30_000, 250);
  }, 60_000);
});
