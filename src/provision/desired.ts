import type { ProvisioningConfig } from '../config/provisioning.js';
import { dnKey } from '../directory/codecs.js';
import { entryDigest } from '../sync/digest.js';
import type { TargetAttributes } from './target.js';
import type { GroupIntent, ProvisionUser, UserIntent } from './select.js';

/**
 * What a target should hold for a store user or local group, through the export map
 * (src/directory/profiles/export-attributes.ts): the attributes, the RDN and whether the account
 * is enabled; and its digest, which the export record keeps (`exportedHash`) so a reconcile can
 * tell what changed without reading the directory.
 */

export interface DesiredUser {
  kind: 'user';
  objectId: number;
  username: string;
  /** False: unbound (disabled, trashed, deleted or no longer selected): only disabled, never created or updated. */
  bound: boolean;
  /** Why an unbound user is disabled. */
  reason?: string;
  /** Bound users: the RDN value and the export-mapped attributes (an attribute with `[]` is cleared). */
  rdn: string;
  attributes: TargetAttributes;
  /** Names the directory type requires and the store lacks (AD: first and last name). */
  missing: string[];
}

export interface DesiredGroup {
  kind: 'group';
  objectId: number;
  name: string;
  rdn: string;
  attributes: TargetAttributes;
  /** Member DNs: the exported members' DNs in the target. */
  members: string[];
}

const one = (v: string | null | undefined): string[] => (v ? [v] : []);

export function desiredUser(intent: UserIntent, objectId: number, cfg: ProvisioningConfig): DesiredUser {
  if (intent.kind === 'unbind') {
    return {
      kind: 'user',
      objectId,
      username: intent.user?.username ?? `#${objectId}`,
      bound: false,
      reason: intent.reason,
      rdn: '',
      attributes: {},
      missing: [],
    };
  }
  const u: ProvisionUser = intent.user;
  const map = cfg.attributes;
  const attrs: TargetAttributes = {};
  const put = (attribute: string, values: string[]) => {
    attrs[attribute] = values;
  };
  for (const a of map.fullName) put(a, one(u.fullName));
  put(map.firstName, one(u.firstName));
  put(map.lastName, one(u.lastName));
  put(map.email, one(u.email));
  map.phones.forEach((a, i) => {
    put(a, one(u.phones[i]));
  });
  if (cfg.profile.principalName && cfg.upnSuffix) put('userPrincipalName', [`${u.username}@${cfg.upnSuffix}`]);
  // inetOrgPerson requires cn and sn: the username stands in for a name the store lacks.
  for (const a of cfg.profile.requiredFromUsername) if (!attrs[a]?.length) put(a, [u.username]);
  put(map.username, [u.username]);
  const missing: string[] = [];
  if (cfg.profile.requireNames) {
    if (!u.firstName) missing.push('first name');
    if (!u.lastName) missing.push('last name');
  }
  const rdn = cfg.profile.userRdn === 'username' ? u.username : (u.fullName ?? ([u.firstName, u.lastName].filter(Boolean).join(' ') || u.username));
  return { kind: 'user', objectId, username: u.username, bound: true, rdn, attributes: attrs, missing };
}

/** `dnOf`: a store user's DN in the target, when it has been exported there. */
export function desiredGroup(intent: GroupIntent, cfg: ProvisioningConfig, dnOf: (userId: number) => string | undefined): DesiredGroup {
  const g = intent.group;
  const attrs: TargetAttributes = {};
  attrs[cfg.attributes.groupDescription] = one(g.description);
  attrs[cfg.attributes.groupName] = [g.name];
  const members = intent.members.map(dnOf).filter((d): d is string => !!d);
  return { kind: 'group', objectId: g.id, name: g.name, rdn: g.name, attributes: attrs, members };
}

/**
 * The digest of what a target should hold. Attribute names and member DNs are normalised, so a
 * digest changes only when what would be written changes.
 */
export function desiredDigest(d: DesiredUser | DesiredGroup): string {
  if (d.kind === 'user' && !d.bound) return entryDigest('user\u0000unbound');
  const attrs = Object.entries(d.attributes)
    .map(([k, v]) => [k.toLowerCase(), v] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const members = d.kind === 'group' ? d.members.map(dnKey).sort() : [];
  return entryDigest(JSON.stringify([d.kind, d.rdn, attrs, members]));
}
