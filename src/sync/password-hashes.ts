import { chooseLdapHash } from '../auth/ldap-hash.js';
import type { DirectoryConfig } from '../config/load.js';
import type { Store } from '../store/db.js';
import type { ImportedPasswordHash } from '../store/password-sync.js';
import type { ScopedEntry } from './read.js';

/**
 * Password hash sync from OpenLDAP (issue 14, "OpenLDAP"): the hub's own sync reads `userPassword`
 * beside the mapped attributes when the directory has `importPasswordHashes` (src/sync/mapping.ts),
 * and each page, increment or single-user sync hands its users here once their rows are written.
 *
 * - Only users in sync scope (issue 14: users out of scope are never touched).
 * - A hash idsync can check is kept as it is (src/auth/ldap-hash.ts); cleartext, yescrypt and
 *   unknown schemes are reported per user as Failed with `unsupported_scheme:…`, never fatal.
 * - A user without a value: SourceConnectorNotPresent (the source has no password for them).
 * - ppolicy's pwdReset: TRUE (must change at next bind): FilteredByTarget, as pwdLastSet = 0 on AD.
 *
 * The value is never logged: only the store's password_sync row holds it, which no API returns.
 */

export const USER_PASSWORD = 'userPassword';

export function importedHashes(cfg: DirectoryConfig, scoped: readonly ScopedEntry[]): ImportedPasswordHash[] {
  const out: ImportedPasswordHash[] = [];
  for (const s of scoped) {
    if (s.itemIndex === undefined) continue;
    let externalId: string | undefined;
    try {
      externalId = cfg.profile.externalId(s.entry);
    } catch {
      externalId = undefined;
    }
    const username = s.entry.string(cfg.attributes.username)?.trim();
    // The mapping reports these users as failed; there is no row to attach a password to.
    if (!externalId || !username) continue;
    const values = s.entry.strings(USER_PASSWORD);
    if (!values.length) {
      out.push({ externalId, username, status: 'SourceConnectorNotPresent', reason: 'no userPassword value (or the bind may not read it)' });
      continue;
    }
    // Entra's rule for a temporary password (pwdLastSet = 0), in OpenLDAP's terms: ppolicy's
    // pwdReset: TRUE (draft-behera-ldap-password-policy, "the password has been reset and must be
    // changed") is FilteredByTarget, and the previous hash stops counting.
    if (s.entry.string('pwdReset')?.trim().toUpperCase() === 'TRUE') {
      out.push({ externalId, username, status: 'FilteredByTarget', reason: 'the user must change the password at next bind (ppolicy pwdReset: TRUE)' });
      continue;
    }
    const c = chooseLdapHash(values);
    out.push(
      c.ok
        ? { externalId, username, status: 'Success', value: c.value, reason: c.parsed.describe }
        : { externalId, username, status: 'Failed', reason: c.reason },
    );
  }
  return out;
}

/** Records the page's hashes (nothing unless the directory imports them). Returns how many rows changed. */
export async function importPasswordHashes(store: Store, cfg: DirectoryConfig, scoped: readonly ScopedEntry[], now: Date): Promise<number> {
  if (!cfg.importPasswordHashes) return 0;
  const hashes = importedHashes(cfg, scoped);
  if (!hashes.length) return 0;
  return store.transact((q) => q.passwordSync.importHashes(cfg.name, hashes, now));
}
