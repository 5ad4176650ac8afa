// The floor of the provisioning benchmark (issue 12): `ldapadd` of the same new users, with their
// passwords, that idsync provisions, in one process over one connection. No client that writes
// the entries one by one can beat it; idsync's time is reported as a multiple of it.
//
// - Active Directory (Samba): each entry is added enabled with its password in the add itself
//   (`unicodePwd` as the quoted UTF-16LE value, over LDAPS), which is the cheapest way AD allows.
//   idsync does the same (one atomic add, createUserWithPassword), then reads the new objectGUID.
// - OpenLDAP: each entry is added with a clear `userPassword`, which slapd stores as given; idsync
//   sets the password with the Password Modify extended operation (RFC 3062), hashed by the server.
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface FloorUser {
  username: string;
  givenName: string;
  sn: string;
  mail: string;
  password: string;
}

export function floorUsers(prefix: string, count: number): FloorUser[] {
  return Array.from({ length: count }, (_, i) => {
    const n = String(i).padStart(5, '0');
    return {
      username: `${prefix}${n}`,
      givenName: `Given${n}`,
      sn: `Family${n}`,
      mail: `${prefix}${n}@corp.example.test`,
      // Meets Samba's default policy: 7+ characters, 3 of 4 classes, not the account name.
      password: `Pv!${n}x${prefix.length}Qz`,
    };
  });
}

function adLdif(users: FloorUser[], container: string, upnSuffix: string): string {
  return users
    .map((u) => {
      const pwd = Buffer.from(`"${u.password}"`, 'utf16le').toString('base64');
      return [
        `dn: CN=${u.givenName} ${u.sn},${container}`,
        'objectClass: top',
        'objectClass: person',
        'objectClass: organizationalPerson',
        'objectClass: user',
        `sAMAccountName: ${u.username}`,
        `userPrincipalName: ${u.username}@${upnSuffix}`,
        `givenName: ${u.givenName}`,
        `sn: ${u.sn}`,
        `displayName: ${u.givenName} ${u.sn}`,
        `mail: ${u.mail}`,
        `unicodePwd:: ${pwd}`,
        'userAccountControl: 512',
        '',
      ].join('\n');
    })
    .join('\n');
}

function openldapLdif(users: FloorUser[], container: string): string {
  return users
    .map((u) =>
      [
        `dn: uid=${u.username},${container}`,
        'objectClass: inetOrgPerson',
        `uid: ${u.username}`,
        `cn: ${u.givenName} ${u.sn}`,
        `givenName: ${u.givenName}`,
        `sn: ${u.sn}`,
        `displayName: ${u.givenName} ${u.sn}`,
        `mail: ${u.mail}`,
        `userPassword: ${u.password}`,
        '',
      ].join('\n'),
    )
    .join('\n');
}

export interface LdapAddTarget {
  kind: 'active-directory' | 'openldap';
  url: string;
  bindDn: string;
  password: string;
  caFile?: string;
  container: string;
  /** AD: the userPrincipalName suffix. */
  upnSuffix?: string;
}

/** Seconds of one `ldapadd` of `users` into `t.container`. */
export async function ldapaddSeconds(t: LdapAddTarget, users: FloorUser[]): Promise<number> {
  const file = path.join(tmpdir(), `idsync-bench-floor-${process.pid}-${t.kind}.ldif`);
  writeFileSync(file, t.kind === 'active-directory' ? adLdif(users, t.container, t.upnSuffix ?? 'corp.example.test') : openldapLdif(users, t.container), {
    mode: 0o600,
  });
  const started = performance.now();
  // The LDIF holds the passwords: removed once read, whatever happens.
  await new Promise<void>((resolve, reject) => {
    const child = spawn('ldapadd', ['-x', '-H', t.url, '-D', t.bindDn, '-w', t.password, '-f', file], {
      env: { ...process.env, ...(t.caFile ? { LDAPTLS_CACERT: t.caFile, LDAPTLS_REQCERT: 'demand' } : {}) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ldapadd into ${t.container} exited ${code}: ${err.slice(-2000)}`))));
  }).finally(() => rmSync(file, { force: true }));
  return (performance.now() - started) / 1000;
}
