import type { DirectoryEntry } from '../entry.js';
import { resultError, toDirectoryEntry, type LdapStream } from './ldap-stream.js';
import type { SearchScope } from './requests.js';

/**
 * Active Directory change notification: a search carrying LDAP_SERVER_NOTIFICATION_OID that the
 * DC never finishes; each time an object in scope changes, it sends that object as a
 * SearchResultEntry with the search's messageID (MS-ADTS 3.1.1.3.4.1.9). The entry holds the
 * requested attributes, not the changed ones, and says nothing about what changed: treat it as a
 * wake-up for a DirSync or uSNChanged read, and ask for objectGUID to key on (DNs change).
 *
 * Filter. MS-ADTS allows only "(objectClass=*)" (unwillingToPerform otherwise); we always send it.
 * Samba 4.17 (source4/dsdb/samdb/ldb_modules/dsdb_notification.c, checked here in
 * ad-notify.test.ts) also accepts a presence test on objectGUID, name or distinguishedName, an AND
 * of such tests and an OR with at least one; (objectClass=user), (cn=*) or an AND with an equality
 * test are refused: 53 unwillingToPerform "000020B9: Search filter too complex".
 *
 * Scope. Microsoft's "Change Notifications in Active Directory Domain Services" says: base (the
 * object itself) or one-level (its children, not itself); subtree only on a naming-context root,
 * and avoid it, since every change in the NC is then sent. MS-ADTS adds that only Windows 2000
 * refused subtree below an NC root. Samba passes the scope through unchanged; checked here with a
 * user in OU=Inner,OU=Parent: base on the user, one-level on OU=Inner, subtree on OU=Parent and
 * subtree on the NC root are notified; one-level on OU=Parent or on the NC root is not.
 *
 * Other rules:
 * - At most 5 registrations per connection (Microsoft, same page); Samba answers the sixth with
 *   11 adminLimitExceeded "MaxNotificationPerConn reached". Abandoned ones free their place.
 * - Nothing is sent for the initial state and a registration is not acknowledged: register, make
 *   sure it is in place, then read the current state, or changes in between are lost. Samba handles
 *   the requests of one connection in order, so any request answered after the registration on the
 *   same connection proves it (see the test's barrier()).
 * - Microsoft: base scope notifies attribute changes, deletion and moves of the object; one-level
 *   notifies creation, deletion, moves and changes of children; renaming or moving an ancestor is
 *   not notified. On Samba an add and a rename in a one-level scope were notified, a delete was not
 *   (the object moves to Deleted Objects, out of scope).
 * - Samba does not push. Its LDAP server re-runs each registration as a uSNChanged > last-seen
 *   search (dsdb_notification.c) at once after any write it handles itself and otherwise every
 *   5 seconds (source4/ldap_server/ldap_server.c, ldapsrv_notification_retry_setup). Checked
 *   here: an LDAP modify was notified within 7-50 ms (the harness runs samba -M single), an ldbadd
 *   straight into sam.ldb after 5.0 s. With the default prefork process model, a write handled by
 *   another LDAP worker process is therefore seen up to 5 s late.
 * - That search costs Samba a scan: it does not index a uSNChanged range. With 20,000 users under
 *   the watched OU a notification arrived 210-330 ms after the write's acknowledgement (a range
 *   search there took 330 ms; equality on uSNChanged under 1 ms), and the DC answers nothing
 *   else meanwhile. src/serve/sources/active-directory.ts times that search before registering.
 */
export const LDAP_SERVER_NOTIFICATION_OID = '1.2.840.113556.1.4.528';

export interface AdNotifyOptions {
  base: string;
  /** Default 'sub'. See the scope rules above. */
  scope?: SearchScope;
  /** Returned with each changed object; include objectGUID. Default: all user attributes. */
  attributes?: string[];
  /**
   * Also see deleted objects (Show Deleted control, 1.2.840.113556.1.4.417): a deletion moves the
   * object into the Deleted Objects container, out of any other watched scope, so watching that
   * container (one-level, with this control) is the only way to be told of deletions.
   */
  showDeleted?: boolean;
}

export interface AdNotification {
  dn: string;
  attributes: DirectoryEntry;
}

/**
 * Registers a change notification and yields each changed object as it arrives, until the
 * consumer stops iterating (the registration is abandoned) or the connection is closed. A refused
 * registration (bad scope or filter, too many notifications, no access) throws an IdsyncError.
 */
export async function* adNotify(stream: LdapStream, options: AdNotifyOptions): AsyncGenerator<AdNotification, void, undefined> {
  const search = stream.search({
    base: options.base,
    scope: options.scope ?? 'sub',
    filter: '(objectClass=*)',
    attributes: options.attributes,
    // MS-ADTS: no controlValue. Critical, so a server without it refuses instead of answering a
    // plain search that returns the whole subtree once and ends.
    controls: [{ oid: LDAP_SERVER_NOTIFICATION_OID, critical: true }, ...(options.showDeleted ? [{ oid: '1.2.840.113556.1.4.417', critical: true }] : [])],
  });
  for await (const msg of search) {
    if (msg.type === 'entry') {
      yield { dn: msg.dn, attributes: toDirectoryEntry(msg.dn, msg.attributes) };
    } else if (msg.type === 'done') {
      if (msg.result.resultCode !== 0) {
        throw resultError(msg.result, { server: stream.server.url, operation: 'change notification on', target: options.base });
      }
      return;
    }
  }
}
