import type { AttributeMap, DirectoryInput, DirectoryType, DirectoryTypeInfo, GroupHit, SyncItem, Transport } from '../../api/types';

/**
 * The "new directory" flow's state, and its translation to what POST /directories takes.
 * Attribute fields hold only what the admin typed: an empty field means the type's default,
 * so switching between Active Directory and OpenLDAP never leaves a wrong default behind.
 */
export interface Draft {
  name: string;
  type: DirectoryType;
  servers: string[];
  /** The on-premises agents that reach it (issue 13; set through the API, kept when the panel edits it). */
  agent: string[];
  transport: '' | Transport;
  ca: string;
  caFileName: string;
  verifyHostname: boolean;
  bindDn: string;
  /** Write-only: never read back from the API. Empty when editing means "keep the stored one". */
  password: string;
  baseDn: string;
  attributes: Record<AttrKey, string>;
  importPhones: boolean;
  importNotes: boolean;
  /** ISO 3166-1 alpha-2 country for phone numbers written without a country code. */
  defaultCountry: string;
  groups: GroupHit[];
  /** Items other than groups (containers) from an existing configuration, kept as they are. */
  otherItems: SyncItem[];
  trashDays: string;
  safeguardEnabled: boolean;
  maxRemovals: string;
  maxRemovalPercent: string;
  /**
   * When editing: the stored configuration. Keys the flow does not show (filters, timeouts,
   * continuous, pageSize, …) are sent back as they were, so saving never drops them.
   */
  base?: DirectoryInput;
}

/** The keys the flow edits; everything else of `base` passes through unchanged. */
const FLOW_KEYS = [
  'name',
  'type',
  'servers',
  'transport',
  'ca',
  'verifyHostname',
  'bind',
  'baseDn',
  'attributes',
  'importPhones',
  'importNotes',
  'defaultCountry',
  'groups',
  'syncItems',
  'trashDays',
  'safeguard',
];

/** The attribute map's keys, from the API's types (the server defines them once: src/directory/profiles/attributes.ts). */
export type AttrKey = keyof AttributeMap;

/** Each type's attribute defaults as the form shows them (lists joined by ", "), from GET /directory-types. */
export type TypeDefaults = Record<DirectoryType, Record<AttrKey, string>>;

export function typeDefaultsFrom(items: DirectoryTypeInfo[]): TypeDefaults {
  const out = {} as TypeDefaults;
  for (const t of items) {
    const a: AttributeMap = t.attributes;
    out[t.type] = Object.fromEntries(ATTR_KEYS.map((k) => [k, ([] as string[]).concat(a[k]).join(', ')])) as Record<AttrKey, string>;
  }
  return out;
}

export const ATTR_LABELS: Record<AttrKey, string> = {
  username: 'Username',
  aliases: 'Username aliases (up to 4)',
  fullName: 'Full name',
  firstName: 'First name',
  lastName: 'Last name',
  email: 'Email',
  phones: 'Phones',
  notes: 'Notes',
  groupName: 'Group name',
  member: 'Group member attribute',
};

/** The keys in the form's order: the labels' (a key the server adds fails the type check of ATTR_LABELS). */
export const ATTR_KEYS = Object.keys(ATTR_LABELS) as AttrKey[];

const LIST_ATTRS: AttrKey[] = ['aliases', 'phones'];
const emptyAttrs = () => Object.fromEntries(ATTR_KEYS.map((k) => [k, ''])) as Record<AttrKey, string>;

export function emptyDraft(): Draft {
  return {
    name: '',
    type: 'active-directory',
    servers: [''],
    agent: [],
    transport: '',
    ca: '',
    caFileName: '',
    verifyHostname: true,
    bindDn: '',
    password: '',
    baseDn: '',
    attributes: emptyAttrs(),
    importPhones: false,
    importNotes: false,
    defaultCountry: '',
    groups: [],
    otherItems: [],
    trashDays: '7',
    safeguardEnabled: true,
    maxRemovals: '10',
    maxRemovalPercent: '25',
  };
}

const splitList = (s: string) =>
  s
    .split(/[,\s]+/)
    .map((x) => x.trim())
    .filter(Boolean);

/** The draft as the API's DirectoryInput. `forSearch` drops what a connection test does not need. */
export function toInput(d: Draft, defaults: TypeDefaults, opts: { forSearch?: boolean } = {}): DirectoryInput {
  const attributes: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(d.attributes) as [AttrKey, string][]) {
    const value = v.trim();
    if (!value || value === defaults[d.type][k]) continue;
    attributes[k] = LIST_ATTRS.includes(k) ? splitList(value) : k === 'member' ? splitList(value)[0] : value;
  }
  const syncItems: SyncItem[] = [...d.otherItems, ...d.groups.map((g) => ({ group: g.dn }))];
  const num = (s: string) => (s.trim() === '' ? null : Number(s));
  const input: DirectoryInput = {
    name: d.name.trim() || 'draft',
    type: d.type,
    ...(d.agent.length ? { agent: d.agent } : { servers: d.servers.map((s) => s.trim()).filter(Boolean) }),
    baseDn: d.baseDn.trim(),
    ...(d.transport ? { transport: d.transport } : {}),
    ...(d.ca.trim() ? { ca: d.ca } : {}),
    ...(d.verifyHostname ? {} : { verifyHostname: false }),
    ...(d.bindDn.trim() ? { bind: { dn: d.bindDn.trim(), ...(d.password ? { password: d.password } : {}) } } : {}),
  };
  if (opts.forSearch) return input;
  const kept = Object.fromEntries(Object.entries(d.base ?? {}).filter(([k]) => !FLOW_KEYS.includes(k)));
  return {
    ...kept,
    ...input,
    syncItems,
    ...(Object.keys(attributes).length ? { attributes } : {}),
    ...(d.importPhones ? { importPhones: true } : {}),
    ...(d.importNotes ? { importNotes: true } : {}),
    ...(d.importPhones && d.defaultCountry.trim() ? { defaultCountry: d.defaultCountry.trim().toUpperCase() } : {}),
    trashDays: Number(d.trashDays || 7),
    safeguard: { enabled: d.safeguardEnabled, maxRemovals: num(d.maxRemovals), maxRemovalPercent: num(d.maxRemovalPercent) },
  };
}

/** An existing API directory's stored configuration, back into a draft for editing. */
export function fromInput(c: DirectoryInput): Draft {
  const d = emptyDraft();
  const attrs = emptyAttrs();
  for (const [k, v] of Object.entries(c.attributes ?? {})) if (k in attrs && v !== undefined) attrs[k as AttrKey] = Array.isArray(v) ? v.join(', ') : String(v);
  const items = c.syncItems ?? [];
  return {
    ...d,
    name: c.name,
    type: c.type,
    servers: c.servers?.length ? c.servers : [''],
    agent: c.agent === undefined ? [] : typeof c.agent === 'string' ? [c.agent] : c.agent,
    transport: c.transport ?? '',
    ca: c.ca ?? '',
    caFileName: c.ca ? '(stored certificate)' : '',
    verifyHostname: c.verifyHostname !== false,
    bindDn: c.bind?.dn ?? '',
    baseDn: c.baseDn,
    attributes: attrs,
    importPhones: !!c.importPhones,
    importNotes: !!c.importNotes,
    defaultCountry: c.defaultCountry ?? '',
    groups: [...items.filter((i): i is { group: string } => 'group' in i).map((i) => i.group), ...(c.groups ?? [])].map((dn) => ({ dn, name: dn })),
    otherItems: items.filter((i) => !('group' in i)),
    trashDays: String(c.trashDays ?? 7),
    safeguardEnabled: c.safeguard?.enabled !== false,
    maxRemovals: c.safeguard?.maxRemovals === null ? '' : String(c.safeguard?.maxRemovals ?? 10),
    maxRemovalPercent: c.safeguard?.maxRemovalPercent === null ? '' : String(c.safeguard?.maxRemovalPercent ?? 25),
    base: c,
  };
}

/** The transport a URL implies when none is chosen (ldaps:// → LDAPS, ldap:// → StartTLS). */
export function impliedTransport(url: string): Transport {
  return /^ldaps:/i.test(url.trim()) ? 'ldaps' : 'starttls';
}

/** The settings a connection test depends on: a passing test counts only while these stay the same. */
export function connectionKey(d: Draft): string {
  return JSON.stringify([
    d.type,
    d.servers.map((s) => s.trim()).filter(Boolean),
    d.transport,
    d.ca,
    d.verifyHostname,
    d.bindDn.trim(),
    d.password,
    d.baseDn.trim(),
  ]);
}
