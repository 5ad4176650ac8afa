import asn1 from 'asn1';
import { IdsyncError } from '../../errors.js';

/** RFC 3062: the Password Modify extended operation. */
export const PASSWORD_MODIFY_OID = '1.3.6.1.4.1.4203.1.11.1';

const { BerWriter } = asn1;

/**
 * RFC 3062 section 2: PasswdModifyRequestValue ::= SEQUENCE { userIdentity [0] OCTET STRING
 * OPTIONAL, oldPasswd [1] OCTET STRING OPTIONAL, newPasswd [2] OCTET STRING OPTIONAL }. Without
 * oldPasswd it is an administrative reset; the server hashes newPasswd by its own policy
 * (olcPasswordHash), so no hash is chosen here.
 */
export function passwordModifyRequest(userDn: string, newPassword: string): Buffer {
  const w = new BerWriter();
  w.startSequence();
  w.writeString(userDn, 0x80);
  w.writeString(newPassword, 0x82);
  w.endSequence();
  return w.buffer;
}

/**
 * Servers seen keeping a clear userPassword of an add as given (provisioning.serverHashesPasswords
 * set, olcPPolicyHashCleartext off), for the process's life: a target opened later must not write
 * one there again, and each delivery opens its own target.
 */
const keepingClear = new Set<string>();

export function keepsClearPasswords(server: string): boolean {
  return keepingClear.has(server);
}

export function markKeepsClearPasswords(server: string): void {
  keepingClear.add(server);
}

/** Whether a userPassword read back is a hash ("{SCHEME}…", RFC 3112) and not the password itself. */
export function hashedAsStored(stored: string | undefined, password: string): boolean {
  return stored !== undefined && stored !== password && /^\{[A-Za-z0-9.-]+\}./.test(stored);
}

/** Never carries the password: only the server, the entry and what to change. */
export function clearPasswordError(server: string, dn: string, unreadable: boolean): IdsyncError {
  const what = unreadable
    ? 'the password of the new entry cannot be read back to check that it was hashed'
    : 'the server stored the password of the new entry as given';
  return new IdsyncError(
    'CONFIG_INVALID',
    `${server}: provisioning.serverHashesPasswords is set, but ${what} (${dn}); it was set again through Password Modify (hashed). ` +
      "Turn on ppolicy's olcPPolicyHashCleartext and let the service account read userPassword in its containers, or remove " +
      'serverHashesPasswords; until idsync restarts, this server gets passwords through Password Modify only',
    { where: dn },
  );
}
