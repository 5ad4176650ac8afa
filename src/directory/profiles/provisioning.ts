import type { DirectoryType } from './types.js';

/**
 * What outbound provisioning (issue 12) writes, per directory type, as data: the object classes of
 * a new user and group, the attribute a user's RDN and username are in, the immutable id, the
 * member attribute, and how an account is disabled. The write side (src/directory/write/) reads
 * these and never asks "is this AD?" for anything that is only a difference of names or values.
 */
export interface ProvisioningProfile {
  type: DirectoryType;
  user: { objectClass: string[]; rdnAttribute: string; usernameAttribute: string };
  group: { objectClass: string[]; rdnAttribute: string; nameAttribute: string; memberAttribute: string; extra: Record<string, string[]> };
  /** The immutable id (RFC 4530 entryUUID, MS-ADTS objectGUID) and whether it is bytes. */
  idAttribute: string;
  idIsBinary: boolean;
  /**
   * groupOfNames (RFC 4519 section 3.5) must hold at least one member: an empty group holds this
   * one DN, outside any suffix so it never names a real entry (the test harness uses the same).
   */
  placeholderMember?: string;
  /** How an account is disabled when the configuration does not say. */
  disable: DisableMethod;
  /**
   * Whether a new object's id is asked for with the add itself, through the Post-Read control
   * (RFC 4527; slapd answers it, AD does not list it in supportedControl), instead of a read after
   * the add. A server that ignores it costs the read all the same (src/directory/write/post-read.ts).
   */
  postReadOnAdd: boolean;
}

/**
 * `uac`: AD userAccountControl bit ACCOUNTDISABLE (0x2), the other bits kept (MS-ADTS 2.2.16).
 * `attribute`: the account is disabled while `attribute` holds `value`, enabled when it is absent.
 */
export type DisableMethod = { kind: 'uac' } | { kind: 'attribute'; attribute: string; value: string };

/**
 * ppolicy (draft-behera-ldap-password-policy section 5.3.3, slapo-ppolicy(5)): the special value
 * 000001010000Z in pwdAccountLockedTime locks the account until an administrator removes it. It
 * needs the ppolicy overlay with a policy whose pwdLockout is TRUE.
 */
export const OPENLDAP_DEFAULT_DISABLE: DisableMethod = { kind: 'attribute', attribute: 'pwdAccountLockedTime', value: '000001010000Z' };

/** AD groupType: global (0x2) | security (0x80000000), as a signed 32-bit number (MS-ADTS 2.2.12). */
export const AD_GLOBAL_SECURITY_GROUP = String(0x80000002 | 0);

/** AD userAccountControl of an account created disabled: NORMAL_ACCOUNT | ACCOUNTDISABLE (MS-ADTS 2.2.16). */
export const AD_NEW_USER_UAC = '514';

const profiles: Record<DirectoryType, ProvisioningProfile> = {
  'active-directory': {
    type: 'active-directory',
    user: { objectClass: ['top', 'person', 'organizationalPerson', 'user'], rdnAttribute: 'CN', usernameAttribute: 'sAMAccountName' },
    group: {
      objectClass: ['top', 'group'],
      rdnAttribute: 'CN',
      nameAttribute: 'sAMAccountName',
      memberAttribute: 'member',
      extra: { groupType: [AD_GLOBAL_SECURITY_GROUP] },
    },
    idAttribute: 'objectGUID',
    idIsBinary: true,
    disable: { kind: 'uac' },
    postReadOnAdd: false,
  },
  openldap: {
    type: 'openldap',
    user: { objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'], rdnAttribute: 'uid', usernameAttribute: 'uid' },
    group: { objectClass: ['top', 'groupOfNames'], rdnAttribute: 'cn', nameAttribute: 'cn', memberAttribute: 'member', extra: {} },
    idAttribute: 'entryUUID',
    idIsBinary: false,
    placeholderMember: 'cn=nobody',
    disable: OPENLDAP_DEFAULT_DISABLE,
    postReadOnAdd: true,
  },
};

export function provisioningProfileFor(type: DirectoryType): ProvisioningProfile {
  return profiles[type];
}
