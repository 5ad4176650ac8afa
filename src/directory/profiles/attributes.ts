/**
 * The attribute map, defined once: which directory attribute (or attributes) fills each field of a
 * synced user or group. Everything else is derived from this list: the configuration schema's
 * `attributes` keys (src/config/schema.ts), a directory's effective map with its profile's
 * defaults (effectiveAttributes, used by src/config/load.ts), the API's view of it
 * (src/api/directory-view.ts), the reference table in docs/configuration.md and, through the
 * generated OpenAPI types, the panel's form.
 *
 * `value` is the effective map's shape: one attribute name or a list. `input: 'one'` marks a key
 * whose configuration takes a single name although the map holds a list (`member`: a profile may
 * read several member attributes, a configuration names the one it uses).
 */
export const ATTRIBUTE_FIELDS = {
  username: {
    value: 'one',
    description: 'The store username. Locked after the first sync (`USERNAME_ATTRIBUTE_LOCKED`): changing it would re-key every user.',
    example: '`mail`',
  },
  aliases: {
    value: 'list',
    max: { count: 4, message: 'at most 4 username aliases' },
    description: 'Up to four attributes imported as username aliases. May change at any time.',
    example: '`[userPrincipalName, mail]`',
  },
  fullName: { value: 'one', description: "A user's full name.", example: '`cn`' },
  firstName: { value: 'one', description: "A user's first (given) name." },
  lastName: { value: 'one', description: "A user's last name (surname)." },
  email: { value: 'one', description: "A user's email address.", example: '`userPrincipalName`' },
  phones: { value: 'list', description: 'Phone attributes, read only when `importPhones` is on.', example: '`[mobile]`' },
  notes: { value: 'one', description: 'Read only when `importNotes` is on.' },
  groupName: { value: 'one', description: "A group's name in the store." },
  member: { value: 'list', input: 'one', description: "The attribute of a group that lists its members' DNs.", example: '`uniqueMember`' },
} as const satisfies Record<string, AttributeField>;

export interface AttributeField {
  value: 'one' | 'list';
  input?: 'one';
  max?: { count: number; message: string };
  description: string;
  example?: string;
}

export type AttributeKey = keyof typeof ATTRIBUTE_FIELDS;
export const ATTRIBUTE_KEYS = Object.keys(ATTRIBUTE_FIELDS) as AttributeKey[];

type ValueOf<K extends AttributeKey> = (typeof ATTRIBUTE_FIELDS)[K]['value'];
type InputOf<K extends AttributeKey> = (typeof ATTRIBUTE_FIELDS)[K] extends { input: 'one' } ? 'one' : ValueOf<K>;

/** A directory's effective attribute mapping: one name or a list of names per field. */
export type AttributeMap = { [K in AttributeKey]: ValueOf<K> extends 'list' ? string[] : string };

/** The mapping as a configuration writes it: any key may be left out (the profile's default). */
export type AttributeInput = { [K in AttributeKey]?: InputOf<K> extends 'list' ? string[] : string };

/** A shape with one entry per key, `one` or `list` chosen by what the key holds (`input`: as configured). */
export type AttributeShape<One, List, Input extends boolean = false> = {
  [K in AttributeKey]: (Input extends true ? InputOf<K> : ValueOf<K>) extends 'list' ? List : One;
};

/** Builds a record with one entry per attribute key, in the map's order. */
export function attributeRecord<T>(fn: (key: AttributeKey, field: AttributeField) => T): Record<AttributeKey, T> {
  return Object.fromEntries(ATTRIBUTE_KEYS.map((k) => [k, fn(k, ATTRIBUTE_FIELDS[k])])) as Record<AttributeKey, T>;
}

/** What a configuration wrote, with the profile's default for every key it left out. */
export function effectiveAttributes(input: AttributeInput, defaults: AttributeMap): AttributeMap {
  return attributeRecord((key, field) => {
    const given = input[key];
    if (given === undefined) return defaults[key];
    return field.value === 'list' && typeof given === 'string' ? [given] : given;
  }) as AttributeMap;
}

/** The defaults both profiles share: the RFC 4519 / inetOrgPerson names, which Active Directory uses too. */
export const COMMON_ATTRIBUTES = {
  aliases: [],
  fullName: 'displayName',
  firstName: 'givenName',
  lastName: 'sn',
  email: 'mail',
  phones: ['telephoneNumber', 'mobile'],
  groupName: 'cn',
} satisfies Partial<AttributeMap>;
