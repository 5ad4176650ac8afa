import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import asn1 from 'asn1';
import yaml from 'js-yaml';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSlapd, type SlapdDirectory } from '../../test/harness/index.js';
import { openTestStore } from '../../test/support/store-backends.js';
import type { ServerSpec } from '../config/load.js';
import { SecretBox } from '../directories/secret-box.js';
import { elements, integer } from '../directory/stream/ber.js';
import { LdapStream } from '../directory/stream/ldap-stream.js';
import { createLogger } from '../log.js';
import type { Store } from '../store/db.js';
import { AgentHub } from './hub/channel.js';
import { createAgent, exchangeConnectKey } from './hub/enrollment.js';
import { setTunnelOpener } from './hub/tunnels.js';

/**
 * A hub that asks for more than it may (issue 13, "safe by construction"): the hub's own channel
 * code in this process, a real `idsync agent` process, a real slapd. Whatever the hub sends, the
 * agent writes nothing to a read-only directory, reads nothing outside its base DN, returns no
 * password attribute and tests none in a filter, and binds as no one else.
 */
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/idsync.js');
const box = SecretBox.fromText('k'.repeat(40), 'test key');

function encodeDelete(messageId: number, dn: string): Buffer {
  const w = new asn1.BerWriter();
  w.startSequence();
  w.writeInt(messageId);
  w.writeString(dn, 0x4a); // DelRequest ::= [APPLICATION 10] LDAPDN
  w.endSequence();
  return w.buffer;
}

/** Sends a request through the tunnel and returns the result code and message of its one answer. */
function once(stream: LdapStream, build: (id: number) => Buffer): Promise<{ resultCode: number; message: string }> {
  return new Promise((resolve, reject) => {
    stream.relay(build, {
      onMessage: (raw) => {
        const op = elements(elements(raw)[0].value)[1];
        const [code, , diag] = elements(op.value);
        resolve({ resultCode: integer(code.value, 'resultCode'), message: diag.value.toString('utf8') });
      },
      onLost: reject,
    });
  });
}

describe('an agent facing a hub that asks for too much (real agent process, real slapd)', () => {
  const certs = inject('certs');
  let slapd: SlapdDirectory;
  let store: Store;
  let hub: AgentHub;
  let server: https.Server;
  let agent: ChildProcess;
  let agentOut = '';
  let aliceDn = '';
  const log = createLogger('silent');
  const tunnel = (directory: string): ServerSpec => ({
    url: 'agent://site-x',
    host: 'site-x',
    port: 0,
    transport: 'agent',
    agent: { names: ['site-x'], directory },
  });
  const open = (directory: string) =>
    LdapStream.open({ tls: { verifyHostname: true }, timeouts: { connectMs: 10_000, operationMs: 10_000 } }, tunnel(directory));

  beforeAll(async () => {
    slapd = await startSlapd();
    aliceDn = await slapd.addUser({ uid: 'alice', sn: 'Smith', userPassword: 'alice-secret-hash' });
    await slapd.addUser({ uid: 'victim', sn: 'Victim' });
    await slapd.addUser({ uid: 'disposable', sn: 'Disposable' });
    store = await openTestStore(`sqlite:${path.join(mkdtempSync(path.join(tmpdir(), 'idsync-hostile-')), 'store.db')}`);
    const { connectKey } = await createAgent(store, 'site-x', null, new Date());
    const creds = await exchangeConnectKey(store, box, connectKey, new Date());
    hub = new AgentHub({ store, box, log, now: () => new Date() }, { heartbeatMs: 300 });
    server = https.createServer({ cert: readFileSync(certs.certFile), key: readFileSync(certs.keyFile) });
    hub.attach(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    setTunnelOpener(hub);

    const dir = mkdtempSync(path.join(tmpdir(), 'idsync-hostile-agent-'));
    writeFileSync(path.join(dir, 'secret.key'), creds.secretKey, { mode: 0o600 });
    writeFileSync(path.join(dir, 'bind.key'), slapd.password, { mode: 0o600 });
    const directory = (name: string, allowWrites: boolean) => ({
      name,
      servers: [slapd.url],
      caFile: slapd.caFile,
      bind: { dn: slapd.bindDn, password: { file: 'bind.key' } },
      baseDn: `ou=people,${slapd.baseDn}`,
      allowWrites,
    });
    writeFileSync(
      path.join(dir, 'agent.yaml'),
      yaml.dump({
        hub: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
        hubCaFile: certs.caFile,
        name: 'site-x',
        integrationKey: creds.integrationKey,
        secretKey: { file: 'secret.key' },
        directories: [directory('corp', false), directory('corp-rw', true)],
      }),
      { mode: 0o600 },
    );
    agent = spawn(process.execPath, [BIN, '--config', path.join(dir, 'agent.yaml'), 'agent'], { stdio: ['ignore', 'pipe', 'pipe'] });
    agent.stdout!.on('data', (d) => (agentOut += d));
    agent.stderr!.on('data', (d) => (agentOut += d));
    for (let i = 0; i < 300 && !hub.status().some((s) => s.name === 'site-x'); i++) await new Promise((r) => setTimeout(r, 100));
  }, 120_000);

  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail') console.log(`--- idsync agent ---\n${agentOut}\n--- end ---`);
  });

  afterAll(async () => {
    setTunnelOpener(undefined);
    if (agent && agent.exitCode === null) {
      agent.kill('SIGTERM');
      await new Promise((r) => agent.once('exit', r));
    }
    await hub?.close();
    server?.close();
    await slapd?.dispose();
  });

  it('never returns a password attribute, even when asked, and refuses filters that test one', async () => {
    const s = await open('corp');
    try {
      const { entries, result } = await s.searchAll({ base: aliceDn, scope: 'base', attributes: ['cn', 'userPassword', '*'] });
      expect(result.resultCode).toBe(0);
      expect(entries[0].has('cn')).toBe(true);
      expect(entries[0].names().map((n) => n.toLowerCase())).not.toContain('userpassword');
      expect(agentOut).not.toContain('alice-secret-hash');
      // The same account reads it when asked directly: the agent is what stops it.
      expect((await slapd.get(aliceDn, ['userPassword']))?.userPassword).toBeDefined();

      const probe = await s.searchAll({ base: `ou=people,${slapd.baseDn}`, filter: '(&(uid=alice)(userPassword=alice*))' });
      expect(probe.result).toMatchObject({
        resultCode: 50,
        diagnosticMessage: expect.stringMatching(/refused by agent "site-x": the filter tests userPassword/),
      });
    } finally {
      await s.close();
    }
  });

  it('refuses what is outside the base DN, reads the root DSE, and answers binds itself', async () => {
    const s = await open('corp');
    try {
      expect((await s.searchAll({ base: slapd.baseDn, scope: 'sub' })).result).toMatchObject({ resultCode: 50, diagnosticMessage: /outside the base DN/ });
      expect((await s.searchAll({ base: '', scope: 'base', attributes: ['namingContexts'] })).result.resultCode).toBe(0);
      const bind = await once(s, (id) => {
        const w = new asn1.BerWriter();
        w.startSequence();
        w.writeInt(id);
        w.startSequence(0x60);
        w.writeInt(3);
        w.writeString(slapd.bindDn);
        w.writeString('guess', 0x80);
        w.endSequence();
        w.endSequence();
        return w.buffer;
      });
      expect(bind).toMatchObject({ resultCode: 53, message: /binds are not relayed/ });
    } finally {
      await s.close();
    }
  });

  it('refuses a write to a read-only directory and relays it to one whose configuration allows writes, within its base DN', async () => {
    const ro = await open('corp');
    try {
      const victim = `uid=victim,ou=people,${slapd.baseDn}`;
      expect(await once(ro, (id) => encodeDelete(id, victim))).toMatchObject({ resultCode: 50, message: /read-only for directory "corp"/ });
      expect(await slapd.get(victim, ['uid'])).toBeDefined();
    } finally {
      await ro.close();
    }
    const rw = await open('corp-rw');
    try {
      const disposable = `uid=disposable,ou=people,${slapd.baseDn}`;
      expect(await once(rw, (id) => encodeDelete(id, disposable))).toMatchObject({ resultCode: 0 });
      expect(await slapd.search(`ou=people,${slapd.baseDn}`, '(uid=disposable)')).toHaveLength(0);
      expect(await once(rw, (id) => encodeDelete(id, `cn=admin,${slapd.baseDn}`))).toMatchObject({ resultCode: 50, message: /outside the base DN/ });
    } finally {
      await rw.close();
    }
  });

  it("closes the agent's channel at once when revoked (what the API's revoke does), and its open sessions fail", async () => {
    const s = await open('corp');
    const pending = s.searchAll({ base: aliceDn, scope: 'base' });
    await pending;
    const started = performance.now();
    await store.agents.revoke('site-x', new Date());
    hub.disconnect('site-x', 'agent "site-x" was revoked');
    expect(hub.status()).toEqual([]);
    await expect(s.searchAll({ base: aliceDn, scope: 'base' })).rejects.toMatchObject({ code: 'DIRECTORY_UNREACHABLE' });
    for (let i = 0; i < 50 && !/"code":4401/.test(agentOut); i++) await new Promise((r) => setTimeout(r, 20));
    expect(agentOut).toMatch(/"code":4401/);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
