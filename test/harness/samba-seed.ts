// A bigger Samba domain for the benchmarks: users written offline into sam.ldb (no DC running, so
// no port and no lock needed), then cached as a tar in the temp dir keyed by the count, so the next
// start is an extraction (seconds) instead of a build (minutes).
//
// Batches of BATCH entries, one ldbadd (one transaction) each, with --nosync. They do not make the
// build fast: the cost per entry grows with the domain, not with the transaction (here, on a
// loaded 2-core machine: the first 2,000 users in 23 s, the last 2,000 in about 200 s; 20,000 in
// 1,327 s, against 706 s reported for one ldbadd on a quieter machine). What makes re-runs fast is
// the cache: restoring the 20,000-user domain is a 224 MB tar extraction.
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { escapeDnValue, toLdif, type LdifEntry } from './ldif.js';
import { requireBinary, run } from './proc.js';

const BATCH = 2000;
const DNS_DOMAIN = 'corp.example.test';

/** Where the seeded users are: OU=Bench under the domain root, sAMAccountName/CN `${prefix}1`..`${prefix}${count}`. */
export interface SeededUsers {
  ou: string;
  prefix: string;
  count: number;
}

export const SEED_PREFIX = 'bu';

export function seededUsers(baseDn: string, count: number): SeededUsers {
  return { ou: `OU=Bench,${baseDn}`, prefix: SEED_PREFIX, count };
}

/** The cached domain with `count` seeded users (a tar of the provisioned, never started, DC dir). */
export function seedCacheFile(count: number): string {
  return join(tmpdir(), `idsync-ad-domain-${count}.tar`);
}

function seedEntries(baseDn: string, from: number, to: number): LdifEntry[] {
  const s = seededUsers(baseDn, to);
  const entries: LdifEntry[] = [];
  if (from === 1) entries.push({ dn: s.ou, attrs: { objectClass: ['top', 'organizationalUnit'], ou: 'Bench' } });
  for (let i = from; i <= to; i++) {
    const sam = `${s.prefix}${i}`;
    entries.push({
      dn: `CN=${escapeDnValue(sam)},${s.ou}`,
      attrs: {
        objectClass: ['top', 'person', 'organizationalPerson', 'user'],
        sAMAccountName: sam,
        userPrincipalName: `${sam}@${DNS_DOMAIN}`,
        givenName: s.prefix,
        sn: String(i),
        displayName: `${s.prefix} ${i}`,
        mail: `${sam}@${DNS_DOMAIN}`,
        userAccountControl: 512,
      },
    });
  }
  return entries;
}

/** Adds the seeded users to a provisioned DC dir whose DC is not running. */
export async function seedOffline(dir: string, smbConf: string, samDbPath: string, baseDn: string, count: number, log?: (s: string) => void): Promise<void> {
  const t0 = Date.now();
  for (let from = 1; from <= count; from += BATCH) {
    const to = Math.min(count, from + BATCH - 1);
    const file = join(dir, `seed-${from}.ldif`);
    writeFileSync(file, toLdif(seedEntries(baseDn, from, to)));
    try {
      await run('ldbadd', [`--configfile=${smbConf}`, '--nosync', '-H', samDbPath, file], { timeoutMs: 1_800_000 });
    } finally {
      rmSync(file, { force: true });
    }
    log?.(`  seeded ${to}/${count} users (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
}

/** Saves a built DC dir as the cache for `count` (the dir's path is kept to rewrite smb.conf on restore). */
export async function saveSeedCache(dir: string, count: number): Promise<void> {
  writeFileSync(join(dir, 'seed-origin'), dir);
  const file = seedCacheFile(count);
  const tmp = `${file}.${process.pid}.tmp`;
  await run(requireBinary('tar'), ['-cf', tmp, '--exclude=./owner.json', '-C', dir, '.'], { timeoutMs: 600_000 });
  renameSync(tmp, file);
}

/** Restores the cache for `count` into the empty dir `dir`; false when there is none. */
export async function restoreSeedCache(dir: string, count: number): Promise<boolean> {
  const file = seedCacheFile(count);
  if (!existsSync(file)) return false;
  await run(requireBinary('tar'), ['-xf', file, '-C', dir], { timeoutMs: 600_000 });
  const origin = readFileSync(join(dir, 'seed-origin'), 'utf8').trim();
  // Provisioning writes absolute paths (private dir, lock dir, sysvol…) into smb.conf only.
  const conf = join(dir, 'etc', 'smb.conf');
  writeFileSync(conf, readFileSync(conf, 'utf8').split(origin).join(dir));
  return true;
}

/** A scratch dir for building a cache outside any DC dir (reapStale does not look at this prefix). */
export function seedBuildDir(): string {
  return mkdtempSync(join(tmpdir(), 'idsync-ad-build-'));
}
