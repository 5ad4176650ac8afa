import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectSlapd, type SlapdDirectory } from './harness/index.js';
import { HostileLdapServer, type HostileMode } from './harness/hostile-ldap.js';
import { uniqueName, Workspace } from './support/workspace.js';

/**
 * Issue 10 items 3 and 9: a real `idsync sync` against a hostile LDAP server (a real TCP server in
 * front of the test slapd, test/harness/hostile-ldap.ts). A protocol violation must fail the run
 * with a directory error and never count as an absence; a page, a paging loop or a message without
 * end must stop with a clear DIRECTORY_* error, within a bounded memory; the store stays as it was.
 */
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/idsync.js');
/** Far above what these small syncs need (about 100 MB), far below what the hostile cases grew to (GBs). */
const RSS_LIMIT_MB = 350;

let slapd: SlapdDirectory;
let hostile: HostileLdapServer;
beforeAll(async () => {
  slapd = connectSlapd(inject('slapd'));
  const u = new URL(slapd.url);
  hostile = await HostileLdapServer.start({ host: u.hostname, port: Number(u.port) }, { everyMs: 100, hugeBytes: 240 * 1024 * 1024 });
});
afterAll(async () => {
  await hostile?.close();
});

/** A sync through the real CLI, with the child's peak RSS read from /proc while it runs. */
async function syncMeasured(ws: Workspace): Promise<{ code: number | null; stderr: string; peakMb: number }> {
  const child = spawn(process.execPath, [BIN, '--config', ws.configFile, 'sync'], { cwd: ws.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.resume();
  let peakKb = 0;
  const poll = setInterval(() => {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
    } catch {
      /* exited between two polls */
    }
  }, 25);
  // Generous: every case here must end by itself within seconds; the bound only keeps a
  // regression from hanging the suite.
  const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearInterval(poll);
  clearTimeout(killer);
  return { code, stderr, peakMb: peakKb / 1024 };
}

/** alice, bob and carol in the chosen group "staff", synced once through the proxy in pass mode. */
async function synced(extra: Record<string, unknown> = {}) {
  const base = await slapd.addOu(uniqueName('hostile'));
  const people = await slapd.addOu('people', base);
  const groups = await slapd.addOu('groups', base);
  const users = await Promise.all(['alice', 'bob', 'carol'].map((uid) => slapd.addUser({ ou: people, uid, sn: 'Tester', mail: `${uid}@corp.example.test` })));
  const staff = await slapd.addGroup({ ou: groups, cn: 'staff', members: users });
  const ws = new Workspace().configure([
    {
      name: 'ldap',
      type: 'openldap',
      servers: [hostile.url],
      transport: 'clear',
      bind: { dn: slapd.bindDn, password: slapd.password },
      baseDn: base,
      groups: [staff],
      ...extra,
    },
  ]);
  hostile.mode = 'pass';
  const first = await ws.sync();
  expect(first.counts).toMatchObject({ created: 3 });
  const before = await ws.export();
  expect(before.users.map((u) => u.status)).toEqual(['active', 'active', 'active']);
  return { ws, before };
}

async function hostileRun(mode: HostileMode, extra: Record<string, unknown> = {}) {
  const { ws, before } = await synced(extra);
  hostile.mode = mode;
  const r = await syncMeasured(ws);
  hostile.mode = 'pass';
  // The store is exactly as it was: nobody trashed, disabled or changed.
  expect(await ws.export()).toEqual(before);
  expect(r.peakMb, `peak RSS of idsync sync: ${r.peakMb.toFixed(0)} MB`).toBeLessThan(RSS_LIMIT_MB);
  expect(r.peakMb).toBeGreaterThan(0); // the measurement itself worked
  return r;
}

describe('a malformed message in the middle of a page (issue 10 item 3)', () => {
  it('an entry with an unknown protocol tag fails the run; the user it carried is not trashed', async () => {
    const r = await hostileRun('bad-tag');
    expect(r.stderr).toMatch(/\[DIRECTORY_PROTOCOL\].*unknown protocolOp tag 0x6a/);
    expect(r.code).toBe(3);
  });

  it('an entry with an unexpected message id fails the run; the user it carried is not trashed', async () => {
    const r = await hostileRun('bad-id');
    expect(r.stderr).toMatch(/\[DIRECTORY_PROTOCOL\].*message id \d+, which answers no outstanding request/);
    expect(r.code).toBe(3);
  });
});

describe('a server that would keep a sync running forever (issue 10 item 9)', () => {
  it('a page that never ends is stopped by the entries-per-page cap', async () => {
    const r = await hostileRun('endless-page');
    expect(r.stderr).toMatch(/\[DIRECTORY_LIMIT_EXCEEDED\].*more than 10000 entries in one page.*limits\.maxPageEntries/);
    expect(r.code).toBe(3);
  });

  it('a page that never ends, one entry at a time (never silent for operationMs), is stopped by the run bound', async () => {
    const r = await hostileRun('slow-endless-page', { timeouts: { runMs: 3000 } });
    expect(r.stderr).toMatch(/\[DIRECTORY_TIMEOUT\].*longer than timeouts\.runMs \(3000 ms\)/);
    expect(r.code).toBe(3);
  });

  it('a new paging cookie forever is stopped by the run bound', async () => {
    const r = await hostileRun('new-cookie', { timeouts: { runMs: 3000 } });
    expect(r.stderr).toMatch(/\[DIRECTORY_TIMEOUT\].*longer than timeouts\.runMs \(3000 ms\)/);
    expect(r.code).toBe(3);
  });

  it('the same cookie with the same entries is detected as a loop', async () => {
    const r = await hostileRun('same-cookie');
    expect(r.stderr).toMatch(/\[DIRECTORY_PROTOCOL\].*same paging cookie with the same 3 entries/);
    expect(r.code).toBe(3);
  });

  it('a 240 MB message (under the old 256 MB limit) is refused from its header, before it is buffered', async () => {
    const r = await hostileRun('huge-message');
    expect(r.stderr).toMatch(/\[DIRECTORY_LIMIT_EXCEEDED\].*message of \d+ bytes, over the 33554432-byte limit \(limits\.maxMessageMB\)/);
    expect(r.code).toBe(3);
  });
});
