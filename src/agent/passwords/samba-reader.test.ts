import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectSamba, type SambaDirectory } from '../../../test/harness/index.js';
import { ntHash } from '../../auth/nt-verifier.js';
import type { LdapStream } from '../../directory/stream/ldap-stream.js';
import { highestCommittedUsn, openPrivileged, readUsers } from './samba-reader.js';

/**
 * Issue 14 against the real Samba DC: the privileged ldapi socket gives the NT hash, pwdLastSet,
 * sAMAccountName, objectGUID and userAccountControl in paged bulk reads and in uSNChanged reads.
 * Needs root (the socket's folder is root-only); run under `flock /tmp/idsync-samba.lock`.
 */
const sambaInfo = inject('samba');
const tag = `${process.pid.toString(36)}${Math.random().toString(36).slice(2, 6)}`;

describe.skipIf(!sambaInfo)('Samba privileged socket reader (issue 14)', () => {
  let samba: SambaDirectory;
  let stream: LdapStream;
  let ou = '';
  beforeAll(async () => {
    samba = connectSamba(sambaInfo!);
    ou = await samba.addOu(`PR${tag}`);
    stream = await openPrivileged(path.join(sambaInfo!.dir, 'private', 'ldap_priv', 'ldapi'));
  }, 60_000);
  afterAll(() => stream?.close());

  it('reads NT hashes in bulk, then only what changed after a USN', async () => {
    const dn = await samba.addUser({ ou, sam: `pr.${tag}`, givenName: 'P', sn: 'R', password: 'Initial pass 123!' });
    const none = await samba.addUser({ ou, sam: `np.${tag}`, givenName: 'N', sn: 'P' });
    const all = [];
    for await (const page of readUsers(stream, samba.baseDn)) all.push(...page);
    const me = all.find((r) => r.sAMAccountName === `pr.${tag}`)!;
    expect(me.nt?.equals(await ntHash('Initial pass 123!'))).toBe(true);
    expect(me.pwdLastSet).not.toBe('0');
    expect(me.guid).toBe(await samba.guid(dn));
    const np = all.find((r) => r.sAMAccountName === `np.${tag}`)!;
    expect(np.pwdLastSet).toBe('0');
    expect(all.some((r) => r.sAMAccountName.endsWith('$'))).toBe(false);
    expect(none).toBeTruthy();

    const usn = await highestCommittedUsn(stream);
    await samba.setPassword(dn, 'Changed pass 456!');
    const changed = [];
    for await (const page of readUsers(stream, samba.baseDn, usn)) changed.push(...page);
    expect(changed.map((r) => r.sAMAccountName)).toEqual([`pr.${tag}`]);
    expect(changed[0].nt?.equals(await ntHash('Changed pass 456!'))).toBe(true);
  }, 60_000);
});
