// A real Samba AD DC for integration tests (recipe: shared/notes/test-directories.md).
//
// Samba has no option for other LDAP ports, so the DC always listens on 127.0.0.1:389/636 and
// only one can run per machine: a marker file in the temp dir records which test run owns it,
// so a DC left behind by a crashed run is cleaned up while another live run's DC is never touched.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { guidToString } from '../../src/directory/codecs.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCerts } from './certs.js';
import { LdapHelpers, toAttributes, type AttrValues, type LdapEndpoint } from './ldap-helpers.js';
import { escapeDnValue, toLdif, type LdifAttrs, type LdifEntry } from './ldif.js';
import { caFileFor, clearPorts, removeMarker, writeMarker, writeSmbConf } from './samba-process.js';
import { restoreSeedCache, saveSeedCache, seedBuildDir, seedCacheFile, seedOffline } from './samba-seed.js';
import { keepTestDirs, killOnExit, markKept, readPid, reapStale, requireBinary, run, spawnDaemon, stopPid, waitFor, writeOwner } from './proc.js';
import type { SambaInfo, SambaTlsCert } from './samba-process.js';

// Defined beside the process code that writes them to the marker and smb.conf; exported from here as before.
export type { SambaInfo, SambaTlsCert } from './samba-process.js';

export interface StartSambaOptions {
  tlsCert?: SambaTlsCert;
  /** Default false, so the CLEAR transport can be tested with simple binds. */
  requireStrongAuth?: boolean;
  /** Reuse certificates made by generateCerts (else made in <dir>/certs). */
  certDir?: string;
  timeoutMs?: number;
  /**
   * Benchmarks: a domain with this many users in OU=Bench (samba-seed.ts), written offline before
   * the DC starts and cached as a tar in the temp dir keyed by the count.
   */
  seedUsers?: number;
  /** Progress of a seeded build (minutes for 20,000 users; seconds once cached). */
  log?: (s: string) => void;
}

export interface SambaUserSpec {
  /** OU name ("Sales") or DN; default the domain root. */
  ou?: string;
  sam: string;
  /** RDN value; default sam. */
  cn?: string;
  givenName?: string;
  sn?: string;
  displayName?: string;
  mail?: string;
  /** Default sam@corp.example.test. */
  upn?: string;
  telephoneNumber?: string;
  mobile?: string;
  info?: string;
  description?: string;
  title?: string;
  department?: string;
  disabled?: boolean;
  /** FILETIME (100 ns since 1601) as number/bigint/string, or a Date. 0 / 0x7FFFFFFFFFFFFFFF = never. */
  accountExpires?: number | bigint | string | Date;
  /** Set via unicodePwd in the same add (over LDAPS). */
  password?: string;
  /** Any other attributes, passed through unchanged. */
  extra?: Record<string, AttrValues>;
}

export type SambaGroupType =
  | 'global-security'
  | 'domain-local-security'
  | 'universal-security'
  | 'global-distribution'
  | 'domain-local-distribution'
  | 'universal-distribution';

const GROUP_TYPES: Record<SambaGroupType, number> = {
  'global-security': 0x80000002 | 0,
  'domain-local-security': 0x80000004 | 0,
  'universal-security': 0x80000008 | 0,
  'global-distribution': 2,
  'domain-local-distribution': 4,
  'universal-distribution': 8,
};

const REALM = 'CORP.EXAMPLE.TEST';
const DNS_DOMAIN = 'corp.example.test';
const NETBIOS = 'CORP';
const ADMIN_PASSWORD = 'Passw0rd!Admin';

/** Date → AD FILETIME string (100 ns intervals since 1601-01-01 UTC). */
export function toFileTime(d: Date): string {
  return ((BigInt(d.getTime()) + 11_644_473_600_000n) * 10_000n).toString();
}

/** The RID (last sub-authority) of a binary objectSid. */
export function sidRid(sid: Buffer): number {
  return sid.readUInt32LE(sid.length - 4);
}

export class SambaDirectory extends LdapHelpers {
  protected readonly upperRdn = true;
  info: SambaInfo;
  /** True in the process that started the DC: it kills the DC when it exits. */
  private readonly owner: boolean;

  constructor(info: SambaInfo, owner = false) {
    super();
    this.info = { ...info };
    this.owner = owner;
  }

  get url() {
    return this.info.url;
  }
  get clearUrl() {
    return this.info.clearUrl;
  }
  get baseDn() {
    return this.info.baseDn;
  }
  get bindDn() {
    return this.info.bindDn;
  }
  get password() {
    return this.info.password;
  }
  get caFile() {
    return this.info.caFile;
  }
  get samDbPath() {
    return this.info.samDbPath;
  }
  get dir() {
    return this.info.dir;
  }
  get pid() {
    return readPid(this.info.pidFile);
  }

  protected endpoint(): LdapEndpoint {
    const i = this.info;
    return {
      url: i.url,
      bindDn: i.bindDn,
      password: i.password,
      caFile: i.caFile,
      verifyHostname: i.tlsCert !== 'wrong-name' && i.tlsCert !== 'samba-default',
    };
  }

  async addUser(u: SambaUserSpec): Promise<string> {
    const dn = `CN=${escapeDnValue(u.cn ?? u.sam)},${this.ouDn(u.ou)}`;
    // Samba accepts 512 without a password (pwdLastSet stays 0); with one, it is set atomically.
    const attrs = {
      objectClass: ['top', 'person', 'organizationalPerson', 'user'],
      sAMAccountName: u.sam,
      userPrincipalName: u.upn ?? `${u.sam}@${DNS_DOMAIN}`,
      givenName: u.givenName,
      sn: u.sn,
      displayName: u.displayName,
      mail: u.mail,
      telephoneNumber: u.telephoneNumber,
      mobile: u.mobile,
      info: u.info,
      description: u.description,
      title: u.title,
      department: u.department,
      accountExpires: u.accountExpires === undefined ? undefined : u.accountExpires instanceof Date ? toFileTime(u.accountExpires) : String(u.accountExpires),
      userAccountControl: u.disabled ? 514 : 512,
      unicodePwd: u.password === undefined ? undefined : unicodePwd(u.password),
      ...u.extra,
    };
    await this.withClient((c) => c.add(dn, toAttributes(attrs)));
    return dn;
  }

  async addGroup(g: {
    ou?: string;
    name: string;
    cn?: string;
    sam?: string;
    description?: string;
    mail?: string;
    type?: SambaGroupType;
    members?: string[];
    extra?: Record<string, AttrValues>;
  }): Promise<string> {
    const dn = `CN=${escapeDnValue(g.cn ?? g.name)},${this.ouDn(g.ou)}`;
    await this.withClient((c) =>
      c.add(
        dn,
        toAttributes({
          objectClass: ['top', 'group'],
          sAMAccountName: g.sam ?? g.name,
          description: g.description,
          mail: g.mail,
          groupType: g.type ? GROUP_TYPES[g.type] : undefined, // server default: global security
          member: g.members,
          ...g.extra,
        }),
      ),
    );
    return dn;
  }

  async disable(dn: string): Promise<string> {
    return this.setUacBits(dn, 0x2, true);
  }

  async enable(dn: string): Promise<string> {
    return this.setUacBits(dn, 0x2, false);
  }

  async setUacBits(dn: string, bits: number, on: boolean): Promise<string> {
    const e = await this.get(dn, ['userAccountControl']);
    if (!e) throw new Error(`no such entry: ${dn}`);
    const uac = Number(e.userAccountControl);
    return this.modify(dn, 'userAccountControl', String(on ? uac | bits : uac & ~bits));
  }

  /** Administrative password reset (single replace of unicodePwd; LDAPS only). */
  async setPassword(dn: string, password: string): Promise<string> {
    return this.modify(dn, 'unicodePwd', unicodePwd(password));
  }

  /** The entry's objectGUID in its string form (MS-DTYP 2.3.4.2), the key change tracking reports. */
  async guid(dn: string): Promise<string> {
    const e = await this.get(dn, ['objectGUID'], ['objectGUID']);
    if (!e || !Buffer.isBuffer(e.objectGUID)) throw new Error(`no objectGUID on ${dn}`);
    return guidToString(e.objectGUID);
  }

  /** The group's RID, from the last sub-authority of its objectSid. */
  async rid(dn: string): Promise<number> {
    const e = await this.get(dn, ['objectSid'], ['objectSid']);
    if (!e || !Buffer.isBuffer(e.objectSid)) throw new Error(`no objectSid on ${dn}`);
    return sidRid(e.objectSid);
  }

  /** AD only accepts a primaryGroupID the user is already a member of (via member), so add that first. */
  async setPrimaryGroup(userDn: string, groupDn: string): Promise<string> {
    const rid = await this.rid(groupDn);
    await this.addMembers(groupDn, [userDn], { ignoreExisting: true });
    return this.modify(userDn, 'primaryGroupID', String(rid));
  }

  /**
   * Creates users `${prefix}1`..`${prefix}${count}` (sAMAccountName and CN) in one go.
   * 'ldb' (default) runs ldbadd on the local sam.ldb in one transaction, which is the fastest path
   * measured here (≈1,600 users in 3-5 s); 'ldap' pipelines adds over LDAPS (≈250/s).
   */
  async bulkAddUsers(
    ou: string,
    count: number,
    prefix: string,
    opts: { method?: 'ldb' | 'ldap'; disabled?: boolean; attrs?: (i: number) => LdifAttrs } = {},
  ): Promise<string[]> {
    const parent = this.ouDn(ou);
    const entries: LdifEntry[] = [];
    for (let i = 1; i <= count; i++) {
      const sam = `${prefix}${i}`;
      entries.push({
        dn: `CN=${escapeDnValue(sam)},${parent}`,
        attrs: {
          objectClass: ['top', 'person', 'organizationalPerson', 'user'],
          sAMAccountName: sam,
          userPrincipalName: `${sam}@${DNS_DOMAIN}`,
          givenName: prefix,
          sn: String(i),
          displayName: `${prefix} ${i}`,
          mail: `${sam}@${DNS_DOMAIN}`,
          userAccountControl: opts.disabled ? 514 : 512,
          ...opts.attrs?.(i),
        },
      });
    }
    if ((opts.method ?? 'ldb') === 'ldb') {
      const file = join(this.info.dir, `bulk-${process.pid}-${Date.now()}.ldif`);
      writeFileSync(file, toLdif(entries));
      try {
        await run('ldbadd', [`--configfile=${this.info.smbConf}`, '-H', this.info.samDbPath, file], { timeoutMs: 600_000 });
      } finally {
        rmSync(file, { force: true });
      }
    } else {
      const c = await this.ldap();
      try {
        // Pipelined: all adds in flight on one connection; Samba processes them in order.
        await Promise.all(entries.map((e) => c.add(e.dn, toAttributes(e.attrs as Record<string, AttrValues>))));
      } finally {
        await c.unbind().catch(() => undefined);
      }
    }
    return entries.map((e) => e.dn);
  }

  /** Stops the DC process (any process may call this: it goes by the pid file). */
  async stop(): Promise<void> {
    await stopPid(readPid(this.info.pidFile));
  }

  /**
   * Stops and starts the same DC (same data), optionally with another TLS certificate or strong-auth
   * setting. Returns the updated info; other test files still see the injected info, so a test that
   * changes the certificate must restart with the defaults again when it is done.
   */
  async restart(change: { tlsCert?: SambaTlsCert; requireStrongAuth?: boolean; timeoutMs?: number } = {}): Promise<SambaInfo> {
    await this.stop();
    if (change.tlsCert !== undefined || change.requireStrongAuth !== undefined) {
      this.info.tlsCert = change.tlsCert ?? this.info.tlsCert;
      this.info.requireStrongAuth = change.requireStrongAuth ?? this.info.requireStrongAuth;
      this.info.caFile = caFileFor(this.info);
      writeSmbConf(this.info);
    }
    await launch(this, this.owner, change.timeoutMs ?? 60_000);
    return { ...this.info };
  }

  /** Stops the DC and removes its temp dir (kept when IDSYNC_KEEP_TEST_DIRS=1). */
  async dispose(): Promise<void> {
    await this.stop();
    removeMarker(this.info.dir);
    if (keepTestDirs()) markKept(this.info.dir);
    else rmSync(this.info.dir, { recursive: true, force: true });
  }
}

function unicodePwd(password: string): Buffer {
  return Buffer.from(`"${password}"`, 'utf16le');
}

async function launch(dc: SambaDirectory, owner: boolean, timeoutMs: number): Promise<void> {
  const i = dc.info;
  await clearPorts(i.dir);
  mkdirSync(join(i.dir, 'run'), { recursive: true });
  writeMarker(i);
  const logMark = existsSync(i.logFile) ? readFileSync(i.logFile, 'utf8').length : 0;
  const child = spawnDaemon('samba', ['-i', '-M', 'single', '-s', i.smbConf, '--option=server services=ldap'], i.logFile, i.pidFile);
  if (owner) killOnExit(i.pidFile);
  let exited: string | undefined;
  child.once('exit', (code, sig) => {
    exited = `samba exited during startup (code ${code}, signal ${sig})`;
  });
  const log = () => readFileSync(i.logFile, 'utf8').slice(logMark).split('\n').slice(-40).join('\n');
  try {
    await waitFor(
      'Samba DC did not answer an LDAPS bind',
      async () => {
        const c = await dc.ldap({ timeoutMs: 5_000 });
        await c.unbind();
        return true;
      },
      { timeoutMs, intervalMs: 250, fatal: () => exited },
    );
  } catch (e) {
    await stopPid(child.pid);
    throw new Error(`${(e as Error).message}\n--- samba output (${i.logFile}) ---\n${log()}`);
  }
}

function provision(dir: string): Promise<unknown> {
  return run(
    'samba-tool',
    [
      'domain',
      'provision',
      `--targetdir=${dir}`,
      `--realm=${REALM}`,
      `--domain=${NETBIOS}`,
      '--server-role=dc',
      '--dns-backend=NONE',
      `--adminpass=${ADMIN_PASSWORD}`,
      '--use-rfc2307',
      '--host-name=dc1',
      '--option=interfaces=lo',
      '--option=bind interfaces only=yes',
    ],
    { timeoutMs: 180_000 },
  );
}

/**
 * Builds the cached seeded domain without starting a DC (no ports, no lock): run it before a
 * benchmark that holds the Samba lock, so the lock is not held through the build.
 */
export async function prepareSeededDomain(count: number, log?: (s: string) => void): Promise<void> {
  if (existsSync(seedCacheFile(count))) return;
  const dir = seedBuildDir();
  try {
    await Promise.all([generateCerts(join(dir, 'certs')), provision(dir)]);
    log?.(`building a ${count}-user domain offline (cached in ${seedCacheFile(count)})`);
    await seedOffline(dir, join(dir, 'etc', 'smb.conf'), join(dir, 'private', 'sam.ldb'), 'DC=corp,DC=example,DC=test', count, log);
    await saveSeedCache(dir, count);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Provisions a fresh DC in a temp dir and starts it. The calling process owns (and on exit kills) it. */
export async function startSamba(opts: StartSambaOptions = {}): Promise<SambaDirectory> {
  requireBinary('samba');
  requireBinary('samba-tool');
  await reapStale('idsync-samba-');
  await clearPorts();
  const dir = mkdtempSync(join(tmpdir(), 'idsync-samba-'));
  writeOwner(dir, process.pid, join(dir, 'samba.pid'));
  const certDir = opts.certDir ?? join(dir, 'certs');
  const info: SambaInfo = {
    url: 'ldaps://127.0.0.1:636',
    clearUrl: 'ldap://127.0.0.1:389',
    baseDn: 'DC=corp,DC=example,DC=test',
    bindDn: `Administrator@${DNS_DOMAIN}`,
    password: ADMIN_PASSWORD,
    realm: REALM,
    netbiosDomain: NETBIOS,
    dnsDomain: DNS_DOMAIN,
    hostName: `dc1.${DNS_DOMAIN}`,
    caFile: '',
    tlsCert: opts.tlsCert ?? 'good',
    requireStrongAuth: opts.requireStrongAuth ?? false,
    certDir,
    samDbPath: join(dir, 'private', 'sam.ldb'),
    smbConf: join(dir, 'etc', 'smb.conf'),
    dir,
    logFile: join(dir, 'samba.log'),
    pidFile: join(dir, 'samba.pid'),
    ownerPid: process.pid,
  };
  info.caFile = caFileFor(info);
  try {
    if (opts.seedUsers) {
      await prepareSeededDomain(opts.seedUsers, opts.log);
      await restoreSeedCache(dir, opts.seedUsers);
      if (opts.certDir) await generateCerts(certDir);
      writeOwner(dir, process.pid, join(dir, 'samba.pid'));
    } else {
      await Promise.all([generateCerts(certDir), provision(dir)]);
    }
    writeSmbConf(info);
    const dc = new SambaDirectory(info, true);
    await launch(dc, true, opts.timeoutMs ?? 60_000);
    return dc;
  } catch (e) {
    if (!keepTestDirs()) rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** Helper object for a DC started elsewhere (e.g. by globalSetup): `connectSamba(inject('samba'))`. */
export function connectSamba(info: SambaInfo | null | undefined): SambaDirectory {
  if (info) return new SambaDirectory(info, false);
  // describe.skipIf() still runs the suite body to collect it, so a throw here would fail the file;
  // instead the object fails on first use, which a skipped suite never gets to.
  const msg = 'No Samba DC in this run (IDSYNC_TEST_NO_SAMBA=1): guard the suite with describe.skipIf(!inject("samba"))';
  return new Proxy({} as SambaDirectory, {
    get(_t, prop) {
      if (prop === 'then' || typeof prop === 'symbol') return undefined;
      throw new Error(msg);
    },
  });
}
