import type { DirectoryEntry } from '../entry.js';
import type { AttributeMap } from './attributes.js';

export type DirectoryType = 'active-directory' | 'openldap';

export type { AttributeMap } from './attributes.js';

export interface UserStatusFromDirectory {
  disabled: boolean;
  /** Why, in words an administrator reads in `idsync users show`. */
  reason?: string;
}

/**
 * What differs between directory products. Everything vendor-specific lives behind this
 * interface so that the sync engine never asks "is this AD?".
 */
export interface DirectoryProfile {
  type: DirectoryType;
  filters: { user: string; group: string; container: string };
  attributes: AttributeMap;
  /** The immutable identifier that anchors identity; never the DN. */
  externalIdAttribute: string;
  /** Attributes whose values are bytes, not UTF-8 text (objectGUID, objectSid); compared case-insensitively. */
  binaryAttributes: string[];
  /** Extra attributes the profile needs on users and groups to do its job. */
  userStatusAttributes: string[];
  groupExtraAttributes: string[];
  /** Range size for multi-valued member reads (MS-ADTS 3.1.1.3.1.3.3); undefined: read whole. */
  memberRangeSize?: number;
  externalId(entry: DirectoryEntry): string | undefined;
  status(entry: DirectoryEntry, now: Date): UserStatusFromDirectory;
  /** AD: the user's primaryGroupID, which never appears in the group's member list. */
  primaryGroupKey?(entry: DirectoryEntry): number | undefined;
  /** AD: the group's RID, matched against users' primaryGroupID. */
  groupPrimaryKey?(entry: DirectoryEntry): number | undefined;
}
