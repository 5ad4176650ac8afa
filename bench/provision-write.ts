// `tsx bench/provision-write.ts [--users 500] [--concurrency 1,4,16] [--skip-ad]`: a rough
// measurement (issue 12), not a test. Creating N users with passwords through the provisioning
// targets (src/directory/write: create disabled → password → enable, three steps each), set
// against `ldapadd` of the same entries with their passwords in one add each (the floor), on the
// harness's Samba DC (LDAPS; run it under `flock /tmp/idsync-samba.lock`) and slapd. With
// concurrency C, C users are in flight at once on the target's one connection (ldapts pipelines).
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { directoryConfig } from '../test/support/directory-config.js';
import { startSamba, type SambaDirectory } from '../test/harness/samba.js';
import { startSlapd, type SlapdDirectory } from '../test/harness/slapd.js';
import { run } from '../test/harness/proc.js';
import { toLdif, type LdifEntry } from '../test/harness/ldif.js';
import { openProvisionTarget } from '../src/directory/write/index.js';
import type { NewUser, ProvisionTarget } from '../src/provision/target.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const N = Number(arg('users', '500'));
const LEVELS = arg('concurrency', '1,4,16').split(',').map(Number);
const RUNS = LEVELS.flatMap((c) => (['three', 'two'] as const).map((steps) => ({ c, steps })));
const skipAd = process.argv.includes('--skip-ad');
const password = (i: number) => `Pw!${i}-${randomBytes(3).toString('hex')}Xy`;

interface Row {
  server: string;
  how: string;
  ms: number;
}
const rows: Row[] = [];

async function timed(server: string, how: string, fn: () => Promise<unknown>): Promise<void> {
  const t0 = performance.now();
  await fn();
  const ms = performance.now() - t0;
  rows.push({ server, how, ms });
  console.log(`${server.padEnd(8)} ${how.padEnd(44)} ${(ms / 1000).toFixed(2)} s  ${((N / ms) * 1000).toFixed(0)} users/s`);
}

/** `three`: createUser, setPassword, setEnabled; `two`: createUser, then setPassword with `enable: true`. */
async function provision(t: ProvisionTarget, users: NewUser[], passwords: string[], concurrency: number, steps: 'three' | 'two'): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < users.length) {
      const i = next++;
      const u = await t.createUser(users[i]);
      if (steps === 'two') await t.setPassword(u.dn, passwords[i], { enable: true });
      else {
        await t.setPassword(u.dn, passwords[i]);
        await t.setEnabled(u.dn, true);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

const label = (steps: 'three' | 'two', c: number) =>
  steps === 'three' ? `target: create, password, enable; ${c} in flight` : `target: create, password+enable; ${c} in flight`;

function ssha(pw: string): string {
  const salt = randomBytes(8);
  return `{SSHA}${Buffer.concat([createHash('sha1').update(pw).update(salt).digest(), salt]).toString('base64')}`;
}

async function ldapadd(url: string, bindDn: string, pw: string, caFile: string, dir: string, entries: LdifEntry[]): Promise<void> {
  const file = join(dir, `bench-${Date.now()}.ldif`);
  writeFileSync(file, toLdif(entries), { mode: 0o600 });
  await run('ldapadd', ['-x', '-H', url, '-D', bindDn, '-w', pw, '-f', file], { env: { ...process.env, LDAPTLS_CACERT: caFile }, timeoutMs: 1_800_000 });
}

async function sambaFloor(dc: SambaDirectory, when: string): Promise<void> {
  const tag = randomBytes(2).toString('hex');
  const floorOu = await dc.addOu(`Floor${tag}`);
  const entries: LdifEntry[] = [];
  for (let i = 0; i < N; i++) {
    const sam = `f${tag}${i}`;
    entries.push({
      dn: `CN=${sam},${floorOu}`,
      attrs: {
        objectClass: ['top', 'person', 'organizationalPerson', 'user'],
        sAMAccountName: sam,
        userPrincipalName: `${sam}@corp.example.test`,
        givenName: 'Bench',
        sn: String(i),
        displayName: 'Bench Person',
        mail: `${sam}@corp.example.test`,
        userAccountControl: '512',
        unicodePwd: Buffer.from(`"${password(i)}"`, 'utf16le'),
      },
    });
  }
  await timed('samba', `ldapadd over LDAPS, password in the add (floor, ${when})`, () => ldapadd(dc.url, dc.bindDn, dc.password, dc.caFile, dc.dir, entries));
}

async function benchSamba(dc: SambaDirectory): Promise<void> {
  const tag = randomBytes(2).toString('hex');
  await sambaFloor(dc, 'first');
  for (const { c, steps } of RUNS) {
    const ou = await dc.addOu(`Prov${tag}c${c}${steps}`);
    const cfg = directoryConfig({
      type: 'active-directory',
      servers: [dc.url],
      caFile: dc.caFile,
      bindDn: dc.bindDn,
      password: dc.password,
      baseDn: dc.baseDn,
    });
    const t = await openProvisionTarget(cfg, { userContainer: ou, groupContainer: ou });
    const users: NewUser[] = [];
    const pws: string[] = [];
    for (let i = 0; i < N; i++) {
      const sam = `p${tag}${c}${steps[1]}${i}`;
      users.push({
        rdn: sam,
        attributes: {
          sAMAccountName: [sam],
          userPrincipalName: [`${sam}@corp.example.test`],
          givenName: ['Bench'],
          sn: [String(i)],
          displayName: ['Bench Person'],
          mail: [`${sam}@corp.example.test`],
        },
      });
      pws.push(password(i));
    }
    await t.passwordPolicy();
    await timed('samba', label(steps, c), () => provision(t, users, pws, c, steps));
    await t.close();
  }
  // Samba slows as its database grows: a second floor, last, brackets the targets' runs.
  await sambaFloor(dc, 'last');
}

async function slapdFloor(s: SlapdDirectory, when: string): Promise<void> {
  const tag = randomBytes(2).toString('hex');
  const floorOu = await s.addOu(`floor${tag}`);
  const entries: LdifEntry[] = [];
  for (let i = 0; i < N; i++) {
    entries.push({
      dn: `uid=f${i},${floorOu}`,
      attrs: {
        objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'],
        uid: `f${i}`,
        cn: `Bench ${i}`,
        sn: String(i),
        givenName: 'Bench',
        displayName: 'Bench Person',
        mail: `f${i}@corp.example.test`,
        // Hashed before the clock starts, as slapd would hash it ({SSHA}, olcPasswordHash's default).
        userPassword: ssha(password(i)),
      },
    });
  }
  await timed('slapd', `ldapadd over LDAPS, {SSHA} password in the add (floor, ${when})`, () =>
    ldapadd(s.ldapsUrl, s.bindDn, s.password, s.caFile, s.dir, entries),
  );
}

async function benchSlapd(s: SlapdDirectory): Promise<void> {
  const tag = randomBytes(2).toString('hex');
  await slapdFloor(s, 'first');
  for (const { c, steps } of RUNS) {
    const ou = await s.addOu(`prov${tag}c${c}${steps}`);
    const cfg = directoryConfig({ type: 'openldap', servers: [s.ldapsUrl], caFile: s.caFile, bindDn: s.bindDn, password: s.password, baseDn: s.baseDn });
    const t = await openProvisionTarget(cfg, { userContainer: ou, groupContainer: ou });
    const users: NewUser[] = [];
    const pws: string[] = [];
    for (let i = 0; i < N; i++) {
      users.push({
        rdn: `p${i}`,
        attributes: { uid: [`p${i}`], givenName: ['Bench'], sn: [String(i)], displayName: ['Bench Person'], mail: [`p${i}@corp.example.test`] },
      });
      pws.push(password(i));
    }
    await t.passwordPolicy();
    await timed('slapd', label(steps, c), () => provision(t, users, pws, c, steps));
    await t.close();
  }
  await slapdFloor(s, 'last');
}

const slapd = await startSlapd();
try {
  await benchSlapd(slapd);
} finally {
  await slapd.dispose();
}
if (!skipAd) {
  const dc = await startSamba();
  try {
    await benchSamba(dc);
  } finally {
    await dc.dispose();
  }
}
console.log(`\n| server | ${N} users with passwords | s | users/s | × mean floor |\n|---|---|---|---|---|`);
for (const r of rows) {
  const floors = rows.filter((f) => f.server === r.server && f.how.includes('floor'));
  const floor = floors.reduce((a, f) => a + f.ms, 0) / floors.length;
  console.log(`| ${r.server} | ${r.how} | ${(r.ms / 1000).toFixed(2)} | ${((N / r.ms) * 1000).toFixed(0)} | ${(r.ms / floor).toFixed(2)} |`);
}
