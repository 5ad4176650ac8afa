import { activeDirectoryProfile } from './active-directory.js';
import { openLdapProfile } from './openldap.js';
import type { DirectoryProfile, DirectoryType } from './types.js';

export type { DirectoryProfile, DirectoryType, AttributeMap } from './types.js';

const profiles: Record<DirectoryType, DirectoryProfile> = {
  'active-directory': activeDirectoryProfile,
  openldap: openLdapProfile,
};

export function profileFor(type: DirectoryType): DirectoryProfile {
  return profiles[type];
}
