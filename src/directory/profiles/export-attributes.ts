import type { DirectoryType } from './types.js';

/**
 * The export map (issue 12, "What is written"): which directory attribute (or attributes) each
 * field of a store user or local group is written to, the mirror of the inbound map in
 * attributes.ts. Defined once: the `provisioning.attributes` keys of the configuration schema
 * (src/config/provisioning.ts), their documented defaults in docs/configuration.md and the
 * provisioning planner (src/provision/desired.ts) all read it here.
 *
 * `list` fields write the same value to every attribute named (OpenLDAP's `cn` and `displayName`
 * both hold the full name), except `phones`, whose n-th phone goes to the n-th attribute.
 */
export const EXPORT_FIELDS = {
  username: { value: 'one', description: 'The attribute that holds the username (renamed with it). It is how a conflict with an unmanaged account is found.' },
  fullName: { value: 'list', description: "Attributes that hold a user's full name." },
  firstName: {
    value: 'one',
    description: "A user's first (given) name. Active Directory requires one: a user without it is refused with `PROVISION_INVALID`.",
  },
  lastName: { value: 'one', description: "A user's last name. Active Directory requires one: a user without it is refused with `PROVISION_INVALID`." },
  email: { value: 'one', description: "A user's email address." },
  phones: { value: 'list', description: "A user's phones: the first phone goes to the first attribute, the second to the second; `[]` exports none." },
  groupName: { value: 'one', description: "A group's name (besides its RDN)." },
  groupDescription: { value: 'one', description: "A group's description." },
} as const satisfies Record<string, { value: 'one' | 'list'; description: string }>;

export type ExportField = keyof typeof EXPORT_FIELDS;
export const EXPORT_KEYS = Object.keys(EXPORT_FIELDS) as ExportField[];

/** A target's effective export map. */
export type ExportMap = { [K in ExportField]: (typeof EXPORT_FIELDS)[K]['value'] extends 'list' ? string[] : string };

/**
 * How a type of directory names and disables what idsync creates. AD: users are `CN=<full name>`
 * (the username when there is none), with `userPrincipalName` = username@suffix beside
 * `sAMAccountName`; OpenLDAP: `uid=<username>`, with no standard disabled flag, so a configurable
 * attribute (default ppolicy's `pwdAccountLockedTime` = 000001010000Z, which locks the account
 * until an administrator removes it: draft-behera-ldap-password-policy, section 5.3.3).
 */
export interface ExportProfile {
  map: ExportMap;
  /** The user's RDN value comes from the full name (AD) or the username (OpenLDAP). */
  userRdn: 'fullName' | 'username';
  /** The RDN attributes of users and groups: a rename sets them, a modify never does. */
  userRdnAttribute: string;
  groupRdnAttribute: string;
  /** AD writes userPrincipalName from the username and the suffix. */
  principalName: boolean;
  /** Attributes the object class requires, filled from the username when the store has nothing (OpenLDAP inetOrgPerson: cn, sn). */
  requiredFromUsername: string[];
  /** AD needs first and last names (issue 12, "Validation before anything is sent"). */
  requireNames: boolean;
  /** OpenLDAP only: the default disable method. */
  disable?: { attribute: string; value: string };
}

export const EXPORT_PROFILES: Record<DirectoryType, ExportProfile> = {
  'active-directory': {
    map: {
      username: 'sAMAccountName',
      fullName: ['displayName'],
      firstName: 'givenName',
      lastName: 'sn',
      email: 'mail',
      phones: ['telephoneNumber', 'mobile'],
      groupName: 'sAMAccountName',
      groupDescription: 'description',
    },
    userRdn: 'fullName',
    userRdnAttribute: 'cn',
    groupRdnAttribute: 'cn',
    principalName: true,
    requiredFromUsername: [],
    requireNames: true,
  },
  openldap: {
    map: {
      username: 'uid',
      fullName: ['cn', 'displayName'],
      firstName: 'givenName',
      lastName: 'sn',
      email: 'mail',
      phones: ['telephoneNumber', 'mobile'],
      groupName: 'cn',
      groupDescription: 'description',
    },
    userRdn: 'username',
    userRdnAttribute: 'uid',
    groupRdnAttribute: 'cn',
    principalName: false,
    requiredFromUsername: ['cn', 'sn'],
    requireNames: false,
    disable: { attribute: 'pwdAccountLockedTime', value: '000001010000Z' },
  },
};

/** The documented default of an export key, per type, for docs/configuration.md. */
export function exportDefaultText(key: ExportField): string {
  const show = (v: string | string[]) => (Array.isArray(v) ? `\`[${v.join(', ')}]\`` : `\`${v}\``);
  const ad = show(EXPORT_PROFILES['active-directory'].map[key]);
  const ldap = show(EXPORT_PROFILES.openldap.map[key]);
  return ad === ldap ? ad : `AD ${ad}; OpenLDAP ${ldap}`;
}
