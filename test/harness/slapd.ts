// A private OpenLDAP slapd for integration tests: its own cn=config and mdb database in a temp dir,
// on dynamically chosen loopback ports, never the system slapd.
//
// The cn=config LDIF is kept in <dir>/config.ldif for reading. The database admin may also manage
// cn=config over LDAP, so a test can change limits (e.g. olcSizeLimit) on the running server.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Attribute, Change } from 'ldapts';
import { certPaths, generateCerts } from './certs.js';
import { LdapHelpers, toAttributes, type AttrValues, type LdapEndpoint } from './ldap-helpers.js';
import { escapeDnValue, toLdif } from './ldif.js';
import {
  freePort,
  keepTestDirs,
  killOnExit,
  markKept,
  readPid,
  reapStale,
  requireBinary,
  run,
  spawnDaemon,
  stopPid,
  tailFile,
  waitFor,
  writeOwner,
} from './proc.js';

/** Serialisable facts about a running slapd: enough for connectSlapd() in any process. */
export interface SlapdInfo {
  url: string; // ldap://127.0.0.1:<port>
  ldapsUrl: string; // ldaps://127.0.0.1:<ldapsPort>, 'good' certificate (SAN localhost, 127.0.0.1)
  port: number;
  ldapsPort: number;
  baseDn: string;
  peopleDn: string;
  groupsDn: string;
  bindDn: string;
  password: string;
  caFile: string;
  certDir: string;
  dir: string;
  configDir: string;
  dataDir: string;
  logFile: string;
  pidFile: string;
  /** PID at start; after restart() read `.pid` on the helper object instead. */
  pid: number;
  ownerPid: number;
}

export interface StartSlapdOptions {
  /** LDIF (file path or the LDIF text) bulk-loaded with `slapadd -q` before the server starts. */
  initialLdif?: string;
  /** Do not create the suffix entry, ou=people and ou=groups. */
  noBase?: boolean;
  certDir?: string;
  timeoutMs?: number;
}

export interface SlapdUserSpec {
  /** OU name or DN; default ou=people. */
  ou?: string;
  uid: string;
  /** Default "givenName sn", or uid without givenName. */
  cn?: string;
  givenName?: string;
  sn: string;
  mail?: string;
  displayName?: string;
  telephoneNumber?: string;
  mobile?: string;
  description?: string;
  employeeType?: string;
  /** Stored as given (slapd hashes nothing on add; use a {SSHA} value or the Password Modify exop for hashes). */
  userPassword?: string;
  extra?: Record<string, AttrValues>;
}

export type SlapdGroupKind = 'groupOfNames' | 'groupOfUniqueNames';

/**
 * groupOfNames/groupOfUniqueNames require at least one member. An "empty" group holds this single
 * placeholder DN, outside the suffix so it can never resolve to a real entry.
 */
export const PLACEHOLDER_MEMBER = 'cn=nobody';

const BASE_DN = 'dc=corp,dc=example,dc=test';
const ADMIN_DN = `cn=admin,${BASE_DN}`;
const ADMIN_PASSWORD = 'Passw0rd!Admin';
const SCHEMA_DIR = '/etc/ldap/schema';
const MODULE_DIR = '/usr/lib/ldap';

export class SlapdDirectory extends LdapHelpers {
  protected readonly upperRdn = false;
  readonly info: SlapdInfo;
  private readonly owner: boolean;

  constructor(info: SlapdInfo, owner = false) {
    super();
    this.info = { ...info };
    this.owner = owner;
  }

  get url() {
    return this.info.url;
  }
  get ldapsUrl() {
    return this.info.ldapsUrl;
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
  get dir() {
    return this.info.dir;
  }
  get pid() {
    return readPid(this.info.pidFile) ?? this.info.pid;
  }

  protected endpoint(): LdapEndpoint {
    // Helpers go over LDAPS so the TLS side of the server is exercised by every test.
    const i = this.info;
    return { url: i.ldapsUrl, bindDn: i.bindDn, password: i.password, caFile: i.caFile, verifyHostname: true };
  }

  async addUser(u: SlapdUserSpec): Promise<string> {
    const dn = `uid=${escapeDnValue(u.uid)},${this.ouDn(u.ou ?? 'people')}`;
    await this.withClient((c) =>
      c.add(
        dn,
        toAttributes({
          objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'],
          uid: u.uid,
          cn: u.cn ?? (u.givenName ? `${u.givenName} ${u.sn}` : u.uid),
          sn: u.sn,
          givenName: u.givenName,
          mail: u.mail,
          displayName: u.displayName,
          telephoneNumber: u.telephoneNumber,
          mobile: u.mobile,
          description: u.description,
          employeeType: u.employeeType,
          userPassword: u.userPassword,
          ...u.extra,
        }),
      ),
    );
    return dn;
  }

  /**
   * A service account that can bind only over an encrypted session: an ACL put first on the
   * database grants `auth` on its userPassword only at a security strength factor of 128 or more
   * (slapd.access(5), `ssf=`), so a simple bind as it in clear fails with invalidCredentials (49).
   * A test that binds as it over StartTLS proves the upgrade happened. Not olcSecurity: that
   * would refuse the clear binds other tests make on purpose, and the rootdn ignores ACLs.
   */
  async addTlsOnlyAccount(opts: { ou: string; uid: string; password: string }): Promise<string> {
    const dn = await this.addUser({ ou: opts.ou, uid: opts.uid, sn: 'Service', userPassword: opts.password });
    await this.withClient((c) =>
      c.modify(
        'olcDatabase={1}mdb,cn=config',
        new Change({
          operation: 'add',
          modification: new Attribute({ type: 'olcAccess', values: [`{0}to dn.exact="${dn}" attrs=userPassword by anonymous ssf=128 auth by * none`] }),
        }),
      ),
    );
    return dn;
  }

  /** Members [] → the group holds only PLACEHOLDER_MEMBER. */
  async addGroup(g: {
    ou?: string;
    cn: string;
    members?: string[];
    kind?: SlapdGroupKind;
    description?: string;
    extra?: Record<string, AttrValues>;
  }): Promise<string> {
    const dn = `cn=${escapeDnValue(g.cn)},${this.ouDn(g.ou ?? 'groups')}`;
    const kind = g.kind ?? 'groupOfNames';
    const members = g.members && g.members.length > 0 ? g.members : [PLACEHOLDER_MEMBER];
    await this.withClient((c) =>
      c.add(
        dn,
        toAttributes({
          objectClass: ['top', kind],
          cn: g.cn,
          [kind === 'groupOfNames' ? 'member' : 'uniqueMember']: members,
          description: g.description,
          ...g.extra,
        }),
      ),
    );
    return dn;
  }

  protected override async memberAttr(groupDn: string): Promise<string> {
    const e = await this.get(groupDn, ['objectClass']);
    if (!e) throw new Error(`no such group: ${groupDn}`);
    const ocs = ([] as string[]).concat(e.objectClass as string | string[]).map((s) => s.toLowerCase());
    return ocs.includes('groupofuniquenames') ? 'uniqueMember' : 'member';
  }

  /** Adding real members also drops the placeholder, so the group reads like a normal one. */
  override async addMembers(groupDn: string, memberDns: string[], opts: { ignoreExisting?: boolean } = {}): Promise<string> {
    await super.addMembers(groupDn, memberDns, opts);
    const attr = await this.memberAttr(groupDn);
    const e = await this.get(groupDn, [attr]);
    const current = ([] as string[]).concat((e?.[attr] as string | string[] | undefined) ?? []);
    if (current.length > 1 && current.some((m) => m.toLowerCase() === PLACEHOLDER_MEMBER)) {
      await super.removeMembers(groupDn, [PLACEHOLDER_MEMBER]);
    }
    return groupDn;
  }

  /** Removing the last members puts the placeholder in, in the same modify (schema needs ≥ 1 member). */
  override async removeMembers(groupDn: string, memberDns: string[]): Promise<string> {
    if (memberDns.length === 0) return groupDn;
    const attr = await this.memberAttr(groupDn);
    const e = await this.get(groupDn, [attr]);
    const current = ([] as string[]).concat((e?.[attr] as string | string[] | undefined) ?? []);
    const removing = new Set(memberDns.map((m) => m.toLowerCase()));
    const emptied = current.every((m) => removing.has(m.toLowerCase()));
    await this.withClient((c) =>
      c.modify(groupDn, [
        ...(emptied ? [new Change({ operation: 'add', modification: new Attribute({ type: attr, values: [PLACEHOLDER_MEMBER] }) })] : []),
        new Change({ operation: 'delete', modification: new Attribute({ type: attr, values: memberDns }) }),
      ]),
    );
    return groupDn;
  }

  /** Stops slapd (any process may call this: it goes by the pid file). */
  async stop(): Promise<void> {
    await stopPid(readPid(this.info.pidFile));
  }

  /** Stops and starts slapd on the same ports with the same config and data. */
  async restart(opts: { timeoutMs?: number } = {}): Promise<SlapdInfo> {
    await this.stop();
    await launch(this, this.owner, opts.timeoutMs ?? 30_000);
    return { ...this.info };
  }

  /** Stops slapd and removes its temp dir (kept when IDSYNC_KEEP_TEST_DIRS=1). */
  async dispose(): Promise<void> {
    await this.stop();
    if (keepTestDirs()) markKept(this.info.dir);
    else rmSync(this.info.dir, { recursive: true, force: true });
  }
}

function configLdif(i: SlapdInfo, rootpwHash: string): string {
  const certs = certPaths(i.certDir);
  const schemas = ['core', 'cosine', 'nis', 'inetorgperson'].map((n) => readFileSync(join(SCHEMA_DIR, `${n}.ldif`), 'utf8').trim());
  const head = toLdif([
    {
      dn: 'cn=config',
      attrs: {
        objectClass: 'olcGlobal',
        cn: 'config',
        olcPidFile: i.pidFile,
        olcArgsFile: join(i.dir, 'slapd.args'),
        olcTLSCACertificateFile: certs.caFile,
        olcTLSCertificateFile: certs.certFile,
        olcTLSCertificateKeyFile: certs.keyFile,
      },
    },
    {
      dn: 'cn=module{0},cn=config',
      attrs: {
        objectClass: 'olcModuleList',
        cn: 'module{0}',
        olcModulePath: MODULE_DIR,
        olcModuleLoad: ['{0}back_mdb', '{1}syncprov', '{2}memberof', '{3}ppolicy'],
      },
    },
    { dn: 'cn=schema,cn=config', attrs: { objectClass: 'olcSchemaConfig', cn: 'schema' } },
  ]);
  const tail = toLdif([
    {
      // Unlimited for everyone, not only the rootdn: a sync service account must page through 100k entries.
      dn: 'olcDatabase={-1}frontend,cn=config',
      attrs: { objectClass: ['olcDatabaseConfig', 'olcFrontendConfig'], olcDatabase: '{-1}frontend', olcSizeLimit: 'unlimited', olcTimeLimit: 'unlimited' },
    },
    {
      // The database admin may manage cn=config over LDAP, so a test can change limits at run time.
      dn: 'olcDatabase={0}config,cn=config',
      attrs: { objectClass: 'olcDatabaseConfig', olcDatabase: '{0}config', olcAccess: `{0}to * by dn.exact="${i.bindDn}" manage by * none` },
    },
    {
      dn: 'olcDatabase={1}mdb,cn=config',
      attrs: {
        objectClass: ['olcDatabaseConfig', 'olcMdbConfig'],
        olcDatabase: '{1}mdb',
        olcSuffix: i.baseDn,
        olcRootDN: i.bindDn,
        olcRootPW: rootpwHash,
        olcDbDirectory: i.dataDir,
        // The mdb map is sparse; the 10 MB default is too small for the 100k-user benchmark.
        olcDbMaxSize: '8589934592',
        olcDbIndex: ['objectClass eq', 'uid eq', 'member eq', 'uniqueMember eq', 'entryUUID eq', 'entryCSN eq', 'cn eq'],
        olcSizeLimit: 'unlimited',
        olcLimits: `{0}dn.exact="${i.bindDn}" size=unlimited time=unlimited`,
        olcAccess: ['{0}to attrs=userPassword by self write by anonymous auth by * none', '{1}to * by * read'],
      },
    },
    {
      dn: 'olcOverlay={0}syncprov,olcDatabase={1}mdb,cn=config',
      attrs: { objectClass: ['olcOverlayConfig', 'olcSyncProvConfig'], olcOverlay: '{0}syncprov', olcSpCheckpoint: '100 10', olcSpSessionlog: '10000' },
    },
    {
      dn: 'olcOverlay={1}memberof,olcDatabase={1}mdb,cn=config',
      attrs: { objectClass: ['olcOverlayConfig', 'olcMemberOf'], olcOverlay: '{1}memberof', olcMemberOfGroupOC: 'groupOfNames', olcMemberOfMemberAD: 'member' },
    },
    {
      // Provisioning (issue 12) disables an account with pwdAccountLockedTime: 000001010000Z, which
      // ppolicy enforces under a policy with pwdLockout TRUE (slapo-ppolicy(5)). The default policy
      // (policyLdif) counts no failures (pwdMaxFailure 0) and checks no quality: other tests' binds are unaffected.
      dn: 'olcOverlay={2}ppolicy,olcDatabase={1}mdb,cn=config',
      attrs: { objectClass: ['olcOverlayConfig', 'olcPPolicyConfig'], olcOverlay: '{2}ppolicy', olcPPolicyDefault: policyDn(i) },
    },
  ]);
  return `${head}${schemas.join('\n\n')}\n\n${tail}`;
}

/** The ppolicy default policy's entry (in ou=policies, outside people and groups). */
export function policyDn(i: Pick<SlapdInfo, 'baseDn'>): string {
  return `cn=default,ou=policies,${i.baseDn}`;
}

function baseLdif(i: SlapdInfo): string {
  return toLdif([
    { dn: i.baseDn, attrs: { objectClass: ['top', 'dcObject', 'organization'], dc: 'corp', o: 'corp' } },
    { dn: i.peopleDn, attrs: { objectClass: ['top', 'organizationalUnit'], ou: 'people' } },
    { dn: i.groupsDn, attrs: { objectClass: ['top', 'organizationalUnit'], ou: 'groups' } },
    { dn: `ou=policies,${i.baseDn}`, attrs: { objectClass: ['top', 'organizationalUnit'], ou: 'policies' } },
    {
      dn: policyDn(i),
      attrs: { objectClass: ['top', 'device', 'pwdPolicy'], cn: 'default', pwdAttribute: 'userPassword', pwdLockout: 'TRUE', pwdMaxFailure: '0' },
    },
  ]);
}

async function launch(s: SlapdDirectory, owner: boolean, timeoutMs: number): Promise<void> {
  const i = s.info;
  const urls = `ldap://127.0.0.1:${i.port}/ ldaps://127.0.0.1:${i.ldapsPort}/`;
  // -d 0 keeps slapd in the foreground (no fork), so the spawned PID is slapd's and errors reach the log.
  const child = spawnDaemon('slapd', ['-h', urls, '-F', i.configDir, '-d', '0'], i.logFile, i.pidFile);
  if (owner) killOnExit(i.pidFile);
  let exited: string | undefined;
  child.once('exit', (code, sig) => {
    exited = `slapd exited during startup (code ${code}, signal ${sig})`;
  });
  try {
    await waitFor(
      'slapd did not answer a root DSE search',
      async () => {
        await run('ldapsearch', ['-x', '-H', i.url, '-b', '', '-s', 'base', '-o', 'nettimeout=2', '1.1'], { timeoutMs: 5_000 });
        return true;
      },
      { timeoutMs, intervalMs: 100, fatal: () => exited },
    );
  } catch (e) {
    await stopPid(child.pid);
    throw new Error(`${(e as Error).message}\n--- slapd output (${i.logFile}) ---\n${tailFile(i.logFile)}`);
  }
  i.pid = child.pid!;
}

/** Builds a fresh slapd in a temp dir, bulk-loads data, starts it. The calling process owns (and on exit kills) it. */
export async function startSlapd(opts: StartSlapdOptions = {}): Promise<SlapdDirectory> {
  requireBinary('slapd');
  await reapStale('idsync-slapd-');
  const dir = mkdtempSync(join(tmpdir(), 'idsync-slapd-'));
  writeOwner(dir, process.pid, join(dir, 'slapd.pid'));
  const [port, ldapsPort] = await twoPorts();
  const certDir = opts.certDir ?? join(dir, 'certs');
  const info: SlapdInfo = {
    url: `ldap://127.0.0.1:${port}`,
    ldapsUrl: `ldaps://127.0.0.1:${ldapsPort}`,
    port,
    ldapsPort,
    baseDn: BASE_DN,
    peopleDn: `ou=people,${BASE_DN}`,
    groupsDn: `ou=groups,${BASE_DN}`,
    bindDn: ADMIN_DN,
    password: ADMIN_PASSWORD,
    caFile: certPaths(certDir).caFile,
    certDir,
    dir,
    configDir: join(dir, 'slapd.d'),
    dataDir: join(dir, 'data'),
    logFile: join(dir, 'slapd.log'),
    pidFile: join(dir, 'slapd.pid'),
    pid: 0,
    ownerPid: process.pid,
  };
  try {
    mkdirSync(info.configDir);
    mkdirSync(info.dataDir);
    const [, hash] = await Promise.all([generateCerts(certDir), run('slappasswd', ['-s', ADMIN_PASSWORD])]);
    // cn=config is built offline with slapadd -n0 (slaptest would refuse to convert a
    // slapd.conf whose database does not exist yet).
    await run('slapadd', ['-n0', '-F', info.configDir, '-l', writeTemp(dir, 'config.ldif', configLdif(info, hash.stdout.trim()))]);
    const loads: string[] = [];
    if (!opts.noBase) loads.push(writeTemp(dir, 'base.ldif', baseLdif(info)));
    if (opts.initialLdif !== undefined) {
      const isPath = !opts.initialLdif.includes('\n') && existsSync(opts.initialLdif);
      loads.push(isPath ? opts.initialLdif : writeTemp(dir, 'initial.ldif', opts.initialLdif));
    }
    // -q skips consistency checks: far faster for the 100k benchmark. Overlays do not run during
    // slapadd, so memberOf is NOT computed for bulk-loaded groups (entryUUID/entryCSN are).
    for (const f of loads) await run('slapadd', ['-q', '-F', info.configDir, '-b', info.baseDn, '-l', f], { timeoutMs: 600_000 });
    const s = new SlapdDirectory(info, true);
    await launch(s, true, opts.timeoutMs ?? 30_000);
    return s;
  } catch (e) {
    if (!keepTestDirs()) rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** Helper object for a slapd started elsewhere (e.g. by globalSetup): `connectSlapd(inject('slapd'))`. */
export function connectSlapd(info: SlapdInfo | null | undefined): SlapdDirectory {
  if (!info) throw new Error('No slapd in this run');
  return new SlapdDirectory(info, false);
}

function writeTemp(dir: string, name: string, content: string): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

async function twoPorts(): Promise<[number, number]> {
  const a = await freePort();
  let b = await freePort();
  while (b === a) b = await freePort();
  return [a, b];
}
