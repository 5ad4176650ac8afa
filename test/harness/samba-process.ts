// Samba DC process configuration: the smb.conf parameters the harness owns, and the marker that
// tells which test run holds 127.0.0.1:389/636 (read by scripts/ensure-test-deps.mjs too).
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { certPaths } from './certs.js';
import { isAlive, portOpen, processUsesDir, readPid, run, sleep, stopPid } from './proc.js';

export type SambaTlsCert = 'good' | 'wrong-name' | 'samba-default';

/** Serialisable facts about a running DC: enough for connectSamba() in any process. */
export interface SambaInfo {
  url: string; // ldaps://127.0.0.1:636
  clearUrl: string; // ldap://127.0.0.1:389
  baseDn: string;
  bindDn: string; // UPN form, what AD accepts for a simple bind
  password: string;
  realm: string;
  netbiosDomain: string;
  dnsDomain: string;
  hostName: string; // FQDN of the DC, in the 'good' certificate's SANs
  /** PEM of the CA that signed the certificate the DC presents (depends on tlsCert). */
  caFile: string;
  tlsCert: SambaTlsCert;
  /** false: plain-LDAP simple binds are accepted ("ldap server require strong auth = no"). */
  requireStrongAuth: boolean;
  certDir: string;
  samDbPath: string;
  smbConf: string;
  dir: string;
  logFile: string;
  pidFile: string;
  /** PID of the process that started the DC (the vitest main process under globalSetup). */
  ownerPid: number;
}

const MARKER = join(tmpdir(), 'idsync-test-samba.json');

export function writeMarker(i: SambaInfo): void {
  writeFileSync(MARKER, JSON.stringify({ ownerPid: i.ownerPid, pidFile: i.pidFile, smbConf: i.smbConf, dir: i.dir }));
}

export function removeMarker(dir: string): void {
  try {
    const m = JSON.parse(readFileSync(MARKER, 'utf8')) as { dir?: string };
    if (m.dir === dir) unlinkSync(MARKER);
  } catch {
    /* no marker */
  }
}

export function caFileFor(i: SambaInfo): string {
  return i.tlsCert === 'samba-default' ? join(i.dir, 'private', 'tls', 'ca.pem') : certPaths(i.certDir).caFile;
}

/** Rewrites the [global] parameters we own in the provisioned smb.conf. */
export function writeSmbConf(i: SambaInfo): void {
  const certs = certPaths(i.certDir);
  const tls: Record<string, string | null> =
    i.tlsCert === 'samba-default'
      ? { 'tls keyfile': null, 'tls certfile': null, 'tls cafile': null }
      : {
          'tls keyfile': i.tlsCert === 'good' ? certs.keyFile : certs.wrongNameKeyFile,
          'tls certfile': i.tlsCert === 'good' ? certs.certFile : certs.wrongNameCertFile,
          'tls cafile': certs.caFile,
        };
  const params: Record<string, string | null> = {
    'server services': 'ldap',
    // "lo" would also bind [::1]; the harness promises 127.0.0.1 only.
    interfaces: '127.0.0.1',
    'bind interfaces only': 'yes',
    'pid directory': join(i.dir, 'run'),
    'log file': i.logFile,
    'tls enabled': 'yes',
    ...tls,
    'ldap server require strong auth': i.requireStrongAuth ? 'yes' : 'no',
    // After a password change Samba, like Windows, still accepts the previous one for NTLM (and
    // simple binds, which it checks the same way) for 60 minutes by default: a test of "the old
    // password no longer binds" needs it off.
    'old password allowed period': '0',
  };
  const lines = readFileSync(i.smbConf, 'utf8').split('\n');
  const keys = new Set(Object.keys(params));
  const kept = lines.filter((l) => !keys.has(l.split('=')[0].trim().toLowerCase()));
  const at = kept.findIndex((l) => l.trim().toLowerCase() === '[global]') + 1;
  const ours = Object.entries(params)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `\t${k} = ${v}`);
  kept.splice(at, 0, ...ours);
  writeFileSync(i.smbConf, kept.join('\n'));
}

/** A DC left on 389/636 by a crashed earlier run is ours to stop; anything else is an error. */
export async function clearPorts(ownDir?: string): Promise<void> {
  if (!(await portOpen(636)) && !(await portOpen(389))) return;
  try {
    const m = JSON.parse(readFileSync(MARKER, 'utf8')) as { ownerPid: number; pidFile: string; smbConf: string; dir: string };
    const pid = readPid(m.pidFile);
    const ours = m.dir === ownDir;
    if ((ours || !isAlive(m.ownerPid)) && pid !== undefined && processUsesDir(pid, m.dir)) {
      console.warn(`[harness] stopping Samba DC (pid ${pid}) left behind by a finished test run`);
      await stopPid(pid);
      await sleep(200);
    } else if (isAlive(m.ownerPid) && m.ownerPid !== process.pid) {
      throw new Error(`127.0.0.1:389/636 are held by the Samba DC of another live test run (owner pid ${m.ownerPid}); only one DC can run at a time`);
    }
  } catch (e) {
    if (e instanceof Error && e.message.includes('another live test run')) throw e;
  }
  if ((await portOpen(636)) || (await portOpen(389))) {
    const ss = await run('ss', ['-ltnp', '( sport = :389 or sport = :636 )']).then(
      (r) => r.stdout,
      () => '',
    );
    throw new Error(
      '127.0.0.1:389 or :636 is already in use; the Samba DC needs both. ' +
        `Stop that server (node scripts/ensure-test-deps.mjs stops a system slapd/samba).\n${ss}`,
    );
  }
}
