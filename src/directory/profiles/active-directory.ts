import { fileTimeToDate, guidToString, ridFromSid, UserAccountControl } from '../codecs.js';
import { COMMON_ATTRIBUTES } from './attributes.js';
import type { DirectoryProfile } from './types.js';

/**
 * Active Directory defaults, as Azure MFA Server and Duo Directory Sync ship them: users are
 * person-category user objects (which excludes computer accounts), identity is objectGUID, the
 * username is sAMAccountName.
 */
export const activeDirectoryProfile: DirectoryProfile = {
  type: 'active-directory',
  filters: {
    user: '(&(objectCategory=person)(objectClass=user))',
    group: '(objectClass=group)',
    container: '(|(objectClass=organizationalUnit)(objectClass=container))',
  },
  attributes: { ...COMMON_ATTRIBUTES, username: 'sAMAccountName', notes: 'info', member: ['member'] },
  externalIdAttribute: 'objectGUID',
  binaryAttributes: ['objectGUID', 'objectSid'],
  userStatusAttributes: ['userAccountControl', 'accountExpires', 'primaryGroupID'],
  groupExtraAttributes: ['objectSid'],
  // Windows caps ranged reads at 1500 values (MaxValRange); asking for the same size ourselves
  // makes Samba, which has no cap, take the same code path.
  memberRangeSize: 1500,
  externalId(entry) {
    const buf = entry.buffer('objectGUID');
    return buf ? guidToString(buf) : undefined;
  },
  status(entry, now) {
    const uac = Number(entry.string('userAccountControl') ?? '0');
    if (uac & UserAccountControl.ACCOUNTDISABLE) return { disabled: true, reason: 'disabled in Active Directory (userAccountControl ACCOUNTDISABLE)' };
    const expires = entry.string('accountExpires');
    if (expires) {
      const at = fileTimeToDate(expires);
      if (at && at.getTime() <= now.getTime()) return { disabled: true, reason: `account expired in Active Directory on ${at.toISOString()}` };
    }
    return { disabled: false };
  },
  primaryGroupKey(entry) {
    const v = entry.string('primaryGroupID');
    return v ? Number(v) : undefined;
  },
  groupPrimaryKey(entry) {
    const sid = entry.buffer('objectSid');
    return sid && sid.length >= 12 ? ridFromSid(sid) : undefined;
  },
};
