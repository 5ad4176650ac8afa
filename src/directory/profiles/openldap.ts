import { COMMON_ATTRIBUTES } from './attributes.js';
import type { DirectoryProfile } from './types.js';

/**
 * Defaults for OpenLDAP and other RFC 4519 directories: inetOrgPerson users, groupOfNames and
 * groupOfUniqueNames groups, identity from entryUUID (RFC 4530). There is no standard "disabled"
 * flag; `disabledFilter` in the config says which users count as disabled, and the sync engine
 * evaluates it on the server.
 */
export const openLdapProfile: DirectoryProfile = {
  type: 'openldap',
  filters: {
    user: '(objectClass=inetOrgPerson)',
    group: '(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))',
    container: '(|(objectClass=organizationalUnit)(objectClass=organization)(objectClass=domain))',
  },
  attributes: { ...COMMON_ATTRIBUTES, username: 'uid', notes: 'description', member: ['member', 'uniqueMember'] },
  externalIdAttribute: 'entryUUID',
  binaryAttributes: [],
  userStatusAttributes: [],
  groupExtraAttributes: [],
  externalId(entry) {
    return entry.string('entryUUID')?.toLowerCase();
  },
  status() {
    return { disabled: false };
  },
};
