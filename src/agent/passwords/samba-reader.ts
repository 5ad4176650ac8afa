import { guidToString } from '../../directory/codecs.js';
import { LdapStream } from '../../directory/stream/ldap-stream.js';

/**
 * Reading password changes on a Samba AD DC (issue 14) over its privileged LDAP socket,
 * `private/ldap_priv/ldapi` (shared notes, directory-protocols.md "Samba's privileged LDAP
 * socket"): no bind, system rights, only root can open it, and `unicodePwd` comes back as the
 * 16-byte NT hash. One connection, paged bulk reads, then uSNChanged polls (see
 * docs/password-hash-sync.md for why this and not DirSync or `samba-tool user syncpasswords`).
 */

export interface PasswordRecord {
  guid: string;
  dn: string;
  sAMAccountName: string;
  /** The NT hash; undefined when the user has no password (Samba sends no unicodePwd then). */
  nt: Buffer | undefined;
  /** pwdLastSet as the DC writes it (FILETIME, 100 ns since 1601); '0' = must change at next logon. */
  pwdLastSet: string;
  userAccountControl: number;
  usn: number;
}

/** MS-ADTS 2.2.16 userAccountControl: ACCOUNTDISABLE. */
export const UF_ACCOUNTDISABLE = 0x2;

const BINARY: ReadonlySet<string> = new Set(['objectguid', 'unicodepwd']);
const ATTRIBUTES = ['objectGUID', 'sAMAccountName', 'unicodePwd', 'pwdLastSet', 'userAccountControl', 'uSNChanged'];
/** Users, not computers (MS-ADTS 3.1.1.1.6: computer is a subclass of user); sAMAccountType 805306368 = SAM_NORMAL_USER_ACCOUNT. */
const USERS = '(sAMAccountType=805306368)';

export async function openPrivileged(socketPath: string, timeoutMs = 10_000): Promise<LdapStream> {
  return LdapStream.open(
    { tls: { verifyHostname: true }, timeouts: { connectMs: timeoutMs, operationMs: 60_000 } },
    { url: `ldapi://${encodeURIComponent(socketPath)}`, host: 'localhost', port: 0, transport: 'clear', socketPath },
  );
}

/** The DC's highestCommittedUSN (rootDSE): a bulk read started after it misses nothing committed before it. */
export async function highestCommittedUsn(stream: LdapStream): Promise<number> {
  const { entries } = await stream.searchAll({ base: '', scope: 'base', filter: '(objectClass=*)', attributes: ['highestCommittedUSN'] });
  return Number(entries[0]?.string('highestCommittedUSN') ?? 0);
}

/** Every user under `baseDn`, or only those changed after `sinceUsn`, a page at a time. */
export async function* readUsers(stream: LdapStream, baseDn: string, sinceUsn?: number, pageSize = 500): AsyncGenerator<PasswordRecord[]> {
  const filter = sinceUsn === undefined ? USERS : `(&${USERS}(uSNChanged>=${sinceUsn + 1}))`;
  for await (const page of stream.searchPages({ base: baseDn, scope: 'sub', filter, attributes: ATTRIBUTES }, pageSize, { binary: BINARY })) {
    const out: PasswordRecord[] = [];
    for (const e of page) {
      const guid = e.buffer('objectGUID');
      if (!guid) continue;
      const nt = e.buffer('unicodePwd');
      out.push({
        guid: guidToString(guid),
        dn: e.dn,
        sAMAccountName: e.string('sAMAccountName') ?? '',
        nt: nt && nt.length === 16 ? nt : undefined,
        pwdLastSet: e.string('pwdLastSet') ?? '0',
        userAccountControl: Number(e.string('userAccountControl') ?? 0),
        usn: Number(e.string('uSNChanged') ?? 0),
      });
      e.delete('unicodePwd');
    }
    yield out;
  }
}
