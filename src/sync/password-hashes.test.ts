import { execFileSync } from 'node:child_process';
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { Attribute, Change } from 'ldapts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectSlapd, type SlapdDirectory } from '../../test/harness/index.js';
import { uniqueName } from '../../test/support/workspace.js';
import { ApiHarness } from '../api/test-support.js';
import { KdfPool } from '../auth/kdf-pool.js';
import { DEFAULT_VERIFY_LIMITS, PasswordVerifier } from '../auth/verify.js';
import { parseConfig } from '../config/load.js';
import { Store } from '../store/db.js';
import { DirectoryConnection } from '../directory/connection.js';
import { syncDirectory } from './engine.js';
import { applyChangeSet } from './incremental.js';
import type { DirectoryReader } from './read.js';

/**
 * Issue 14, "OpenLDAP", against the real slapd: a user per supported scheme, each hash made by
 * tools independent of idsync (slappasswd with OpenLDAP's own pw-sha2 and argon2 modules, `openssl
 * passwd`, libxcrypt through Python's crypt for bcrypt; PBKDF2 computed here in the contrib
 * pw-pbkdf2 format), synced by the hub's own sync with `importPasswordHashes`, then checked through
 * POST /api/v1/auth/verify. Cleartext and yescrypt are refused and reported per user; a bind that may
 * not read userPassword imports nothing (least privilege: a grant on userPassword is what it takes).
 */

const MODULES = ['-o', 'module-path=/usr/lib/ldap'];
const slappasswd = (scheme: string, pw: string, module?: string) =>
  execFileSync('slappasswd', [...(module ? [...MODULES, '-o', `module-load=${module}`] : []), '-h', scheme, '-s', pw], { encoding: 'utf8' }).trim();
const opensslCrypt = (variant: '5' | '6', pw: string) =>
  `{CRYPT}${execFileSync('openssl', ['passwd', `-${variant}`, '-stdin'], { input: pw, encoding: 'utf8' }).trim()}`;
/** bcrypt from libxcrypt (Python's crypt module, as slapd's own {CRYPT} would call crypt(3)). */
function libxcryptBcrypt(pw: string): string {
  const script = 'import crypt,sys; print(crypt.crypt(sys.stdin.read(), crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=2**5)))';
  const out = execFileSync('python3', ['-W', 'ignore', '-c', script], { input: pw, encoding: 'utf8' }).trim();
  if (!out.startsWith('$2b$')) throw new Error(`python crypt gave ${out.slice(0, 4)}…, not bcrypt`);
  return `{CRYPT}${out}`;
}
/** contrib/slapd-modules/passwd/pbkdf2: {PBKDF2-SHA256}ITER$SALT$HASH, adapted base64 ('.' for '+', no '='). */
function pbkdf2Sha256(pw: string): string {
  const salt = randomBytes(16);
  const ab64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '').replace(/\+/g, '.');
  return `{PBKDF2-SHA256}10000$${ab64(salt)}$${ab64(pbkdf2Sync(pw, salt, 10000, 32, 'sha256'))}`;
}

interface Case {
  uid: string;
  password: string;
  value?: string;
  extra?: Record<string, string>;
}

let slapd: SlapdDirectory;
let h: ApiHarness;
let verifyToken = '';
let people = '';
let reader = '';
let readerPassword = '';
const cases: Case[] = [];
const refused: Case[] = [];

function config(bind: { dn: string; password: string }, name = 'ldap') {
  return {
    name,
    type: 'openldap',
    servers: [slapd.ldapsUrl],
    caFile: slapd.caFile,
    bind,
    baseDn: people,
    syncItems: [{ container: people }],
    importPasswordHashes: true,
  };
}
const resolved = (d: ReturnType<typeof config>) => parseConfig({ store: 'sqlite::memory:', directories: [d] }, { baseDir: tmpdir(), env: {} }).directories[0];
const verify = (username: string, password: string) => h.call('POST', '/api/v1/auth/verify', { as: verifyToken, body: { username, password } });
const status = async (username: string) => (await h.call('GET', `/api/v1/password-sync?username=${username}`, { as: 'read_only' })).body.items[0];

beforeAll(async () => {
  slapd = connectSlapd(inject('slapd'));
  const base = await slapd.addOu(uniqueName('pw'));
  people = await slapd.addOu('people', base);
  const pw = (s: string) => `${s} pass ${randomBytes(3).toString('hex')} é!`;
  const make: [string, (p: string) => string][] = [
    ['ssha', (p) => slappasswd('{SSHA}', p)],
    ['ssha256', (p) => slappasswd('{SSHA256}', p, 'pw-sha2')],
    ['ssha512', (p) => slappasswd('{SSHA512}', p, 'pw-sha2')],
    ['crypt5', (p) => opensslCrypt('5', p)],
    ['crypt6', (p) => opensslCrypt('6', p)],
    ['bcrypt', (p) => libxcryptBcrypt(p)],
    ['pbkdf2', (p) => pbkdf2Sha256(p)],
    ['argon2', (p) => slappasswd('{ARGON2}', p, 'argon2')],
  ];
  for (const [uid, hash] of make) {
    const password = pw(uid);
    cases.push({ uid, password, value: hash(password) });
  }
  refused.push({ uid: 'clear', password: 'Clear pass 1!', value: '{CLEARTEXT}Clear pass 1!' });
  refused.push({ uid: 'bare', password: 'Bare pass 1!', value: 'Bare pass 1!' });
  // yescrypt, made by libxcrypt for another password: refused whatever it holds.
  refused.push({ uid: 'yes', password: 'x', value: '{CRYPT}$y$j9T$F5Jx5fExrKuPp53xLKQ..1$u.nLz00WvwKGXPDUTyshqEqi39BpGvQDr67MhBenIi6' });
  refused.push({ uid: 'none', password: 'x' });
  // ppolicy: an administrator reset the password, the user must change it at next bind.
  refused.push({ uid: 'reset', password: 'Reset pass 1!', value: slappasswd('{SSHA}', 'Reset pass 1!'), extra: { pwdReset: 'TRUE' } });
  for (const c of [...cases, ...refused]) await slapd.addUser({ ou: people, uid: c.uid, sn: 'Tester', userPassword: c.value, extra: c.extra });

  // Least privilege (docs/password-hash-sync.md): an account granted read on userPassword under
  // this subtree, put first so it wins over the harness's "by * none" for userPassword.
  readerPassword = `Reader ${randomBytes(6).toString('hex')}`;
  reader = await slapd.addUser({ ou: base, uid: 'pwreader', sn: 'Service', userPassword: slappasswd('{SSHA}', readerPassword) });
  await slapd.withClient((c) =>
    c.modify(
      'olcDatabase={1}mdb,cn=config',
      new Change({
        operation: 'add',
        modification: new Attribute({
          type: 'olcAccess',
          values: [`{0}to dn.subtree="${people}" attrs=userPassword by dn.exact="${reader}" read by anonymous auth by * none`],
        }),
      }),
    ),
  );

  const dir = config({ dn: reader, password: readerPassword });
  h = await ApiHarness.create({
    directories: [dir],
    verifier: (store) => new PasswordVerifier(store, new KdfPool({ size: 2, queueLimit: 64 }), DEFAULT_VERIFY_LIMITS),
  });
  for (const c of [...cases, ...refused]) if (c.value) h.secrets.add(c.value.replace(/^\{[^}]*\}/, ''));
  const report = await syncDirectory(h.store, resolved(dir));
  expect(report.counts.created).toBe(cases.length + refused.length);
  const r = await h.call('POST', '/api/v1/tokens', { body: { name: 'proxy', role: 'verify' } });
  verifyToken = r.body.token;
}, 120_000);
afterAll(() => h?.close());

describe('OpenLDAP userPassword hashes through the hub’s sync (issue 14)', () => {
  it('each supported scheme verifies through POST /api/v1/auth/verify, and a wrong password is denied', async () => {
    for (const c of cases) {
      const ok = await verify(c.uid, c.password);
      expect({ uid: c.uid, status: ok.status }).toEqual({ uid: c.uid, status: 200 });
      const wrong = await verify(c.uid, `${c.password}x`);
      expect({ uid: c.uid, status: wrong.status }).toEqual({ uid: c.uid, status: 401 });
      const s = await status(c.uid);
      expect(s).toMatchObject({ status: 'Success', source: 'ldap:userPassword' });
      expect(s.attempts[0]).toMatchObject({ status: 'Success' });
    }
  }, 120_000);

  it('cleartext and unprefixed values are never imported and are reported per user, as are yescrypt and a missing value', async () => {
    for (const c of refused) expect({ uid: c.uid, status: (await verify(c.uid, c.password)).status }).toEqual({ uid: c.uid, status: 401 });
    expect(await status('clear')).toMatchObject({ status: 'Failed', reason: expect.stringMatching(/^unsupported_scheme:CLEARTEXT/), kdf: null });
    expect(await status('bare')).toMatchObject({ status: 'Failed', reason: expect.stringMatching(/^unsupported_scheme:CLEARTEXT/) });
    expect(await status('yes')).toMatchObject({ status: 'Failed', reason: expect.stringMatching(/^unsupported_scheme:CRYPT-yescrypt/) });
    expect(await status('none')).toMatchObject({ status: 'SourceConnectorNotPresent' });
    expect(await status('reset')).toMatchObject({ status: 'FilteredByTarget', reason: expect.stringContaining('pwdReset') });
    const cleartext = await h.store.db.selectFrom('password_sync').select('verifier').where('username', 'in', ['clear', 'bare']).execute();
    expect(cleartext.map((r) => r.verifier)).toEqual([null, null]);
  }, 60_000);

  it('a changed userPassword replaces the old one at the next sync', async () => {
    const c = cases[0];
    const next = `${c.password} 2`;
    await slapd.modify(`uid=${c.uid},${people}`, 'userPassword', slappasswd('{SSHA512}', next, 'pw-sha2'));
    await syncDirectory(h.store, resolved(config({ dn: reader, password: readerPassword })));
    expect((await verify(c.uid, next)).status).toBe(200);
    expect((await verify(c.uid, c.password)).status).toBe(401);
    expect((await status(c.uid)).kdf).toMatch(/^SSHA512/);
  }, 60_000);

  it('an increment (what continuous sync applies for a changed entry) records the new hash, though nothing mapped changed', async () => {
    const c = cases[3];
    const cfg = resolved(config({ dn: reader, password: readerPassword }));
    let r: DirectoryReader | undefined;
    await syncDirectory(h.store, cfg, { onReader: (x) => (r = x) });
    const conn = await DirectoryConnection.open(cfg);
    try {
      r!.attach(conn);
      const next = `${c.password} 3`;
      const dn = `uid=${c.uid},${people}`;
      await slapd.modify(dn, 'userPassword', opensslCrypt('6', next));
      const dir = await h.store.db.selectFrom('directories').select('id').where('name', '=', 'ldap').executeTakeFirstOrThrow();
      await applyChangeSet(
        { store: h.store, cfg, directoryId: dir.id, reader: r!, now: () => new Date() },
        { changed: [{ dn, kind: 'user' }], deleted: [], state: {} },
      );
      expect((await verify(c.uid, next)).status).toBe(200);
      expect((await verify(c.uid, c.password)).status).toBe(401);
    } finally {
      await conn.close();
    }
  }, 60_000);

  it('a bind that may not read userPassword imports nothing: every user shows SourceConnectorNotPresent', async () => {
    // The harness's own ACL gives accounts other than the rootdn and the reader no access to userPassword.
    const plainPassword = `Plain ${randomBytes(6).toString('hex')}`;
    const plain = await slapd.addUser({
      ou: people.replace(/^ou=people,/, ''),
      uid: 'plain',
      sn: 'Service',
      userPassword: slappasswd('{SSHA}', plainPassword),
    });
    const parsed = parseConfig(
      { store: 'sqlite::memory:', directories: [config({ dn: plain, password: plainPassword }, 'ldap-plain')] },
      { baseDir: tmpdir(), env: {} },
    );
    const store = await Store.open(parsed.store);
    try {
      await syncDirectory(store, parsed.directories[0]);
      const rows = await store.passwordSync.status(undefined, ['ldap-plain']);
      expect(rows.length).toBe(cases.length + refused.length);
      expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['SourceConnectorNotPresent']));
      expect(await store.db.selectFrom('password_sync').selectAll().execute()).toEqual([]);
    } finally {
      await store.close();
    }
  }, 60_000);
});
