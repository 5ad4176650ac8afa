import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectSamba, type SambaDirectory } from '../../test/harness/index.js';
import { agentCli, type AgentProc, startAgent } from '../../test/support/agent-process.js';
import { Workspace } from '../../test/support/workspace.js';
import { Store } from '../store/db.js';

/**
 * Issue 13 against the real Samba AD DC: `idsync serve` reaches the domain only through an
 * `idsync agent` process (the hub's directory has `agent:` and no servers or bind). A full sync,
 * then continuous sync by DirSync and change notifications, relayed operation by operation.
 * Run under `flock /tmp/idsync-samba.lock` like every suite that starts Samba.
 */
const sambaInfo = inject('samba');
const tag = `${process.pid.toString(36)}${Math.random().toString(36).slice(2, 6)}`;

describe.skipIf(!sambaInfo)('idsync agent with idsync serve on Samba AD (real processes)', () => {
  const certs = inject('certs');
  let samba: SambaDirectory;
  let ws: Workspace;
  let serve: AgentProc;
  let agent: AgentProc;
  let ou = '';
  let group = '';
  let bobDn = '';
  const users = async () => {
    const store = await Store.open(`sqlite:${path.join(ws.dir, 'data', 'idsync.db')}`);
    try {
      return await store.db.selectFrom('users').select(['username', 'status']).orderBy('username').execute();
    } finally {
      await store.close();
    }
  };

  beforeAll(async () => {
    samba = connectSamba(sambaInfo!);
    ou = await samba.addOu(`AG${tag}`);
    const alice = await samba.addUser({ ou, sam: `alice.${tag}`, givenName: 'Alice', sn: 'Smith' });
    bobDn = await samba.addUser({ ou, sam: `bob.${tag}`, givenName: 'Bob', sn: 'Jones' });
    group = await samba.addGroup({ ou, name: `Eng.${tag}`, cn: 'Eng', members: [alice, bobDn] });
    ws = new Workspace().configure(
      [
        {
          name: 'ad',
          type: 'active-directory',
          agent: 'site-ad',
          baseDn: samba.baseDn,
          groups: [group],
          continuous: { changes: 'dirsync', pollSeconds: 1 },
          safeguard: { enabled: false },
        },
      ],
      { api: { listen: '127.0.0.1:0', tls: { certFile: certs.certFile, keyFile: certs.keyFile } } },
    );
    serve = ws.serve();
  }, 120_000);

  afterEach((ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    console.log(`--- idsync serve ---\n${serve?.output()}\n--- idsync agent ---\n${agent?.output()}\n--- end ---`);
  });

  afterAll(async () => {
    await agent?.stop();
    await serve?.stop();
  });

  it('syncs the domain through the agent, then follows changes (DirSync, notifications) through it', async () => {
    const { value: hub } = await ws.waitFor(async () => /"url":"(https:\/\/127\.0\.0\.1:\d+)".*admin API listening/.exec(serve.output())?.[1], 60_000);
    const { connectKey } = await ws.json(['agents', 'create', 'site-ad']);
    const agentConfig = path.join(ws.dir, 'agent', 'agent.yaml');
    const args = ['agent', 'connect', '--hub', hub, '--key', connectKey, '--ca', certs.caFile, '--protect', 'file', '--directory', 'ad'];
    const dir = ['--server', samba.url, '--directory-ca', samba.caFile, '--base-dn', samba.baseDn, '--bind-dn', samba.bindDn];
    const r = await agentCli(agentConfig, [...args, ...dir], { IDSYNC_BIND_PASSWORD: samba.password });
    expect(r.stderr).toBe('');
    agent = startAgent(agentConfig);

    const names = (u: { username: string }[]) => u.map((x) => x.username.toLowerCase());
    await ws.waitFor(async () => names(await users()).includes(`alice.${tag}`) && names(await users()).includes(`bob.${tag}`), 90_000, 200);
    // The run's log line comes after its last commit: wait for it rather than race it.
    await ws.waitFor(async () => /"server":"agent:\/\/site-ad"/.test(serve.output()), 10_000);
    expect(serve.output()).toMatch(/"server":"agent:\/\/site-ad"/);

    const carol = await samba.addUser({ ou, sam: `carol.${tag}`, givenName: 'Carol', sn: 'White' });
    await samba.addMembers(group, [carol]);
    const added = await ws.waitFor(async () => names(await users()).includes(`carol.${tag}`), 30_000, 100);
    await samba.disable(bobDn);
    const disabled = await ws.waitFor(async () => (await users()).find((u) => u.username.toLowerCase() === `bob.${tag}`)?.status === 'disabled', 30_000, 100);
    // Continuous, not the next full sync: seconds.
    expect(added.ms).toBeLessThan(30_000);
    expect(disabled.ms).toBeLessThan(30_000);
  }, 240_000);
});
