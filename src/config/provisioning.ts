import { z } from 'zod';
import { dnKey, isUnder } from '../directory/codecs.js';
import {
  EXPORT_FIELDS,
  EXPORT_KEYS,
  EXPORT_PROFILES,
  exportDefaultText,
  type ExportField,
  type ExportMap,
  type ExportProfile,
} from '../directory/profiles/export-attributes.js';
import type { DirectoryType } from '../directory/profiles/types.js';
import { IdsyncError } from '../errors.js';
import { attributeName } from './attribute-name.js';
import { documented, typeNamed } from './key-docs.js';

/**
 * A directory's `provisioning` block (issue 12, "Provisioning targets"): idsync writes store users
 * and local groups into it. Its schema (documented key by key in docs/configuration.md) and its
 * resolution into a ProvisioningConfig, beside the rest of a directory's in src/config/load.ts.
 */

const dn = typeNamed(z.string().trim().min(1, 'must be a distinguished name'), 'DN');
const attributeKey = typeNamed(attributeName, 'attribute name');
const groupName = z.string().trim().min(1, 'must be a local group name');

const exportAttributes = z
  .object(
    Object.fromEntries(
      EXPORT_KEYS.map((k) => {
        const f = EXPORT_FIELDS[k];
        const schema = f.value === 'list' ? z.array(attributeKey) : attributeKey;
        return [k, documented(schema.optional(), f.description, { default: exportDefaultText(k) })];
      }),
    ) as unknown as { [K in ExportField]: z.ZodOptional<ExportMap[K] extends string[] ? z.ZodArray<typeof attributeKey> : typeof attributeKey> },
  )
  .strict();

const usersSelection = typeNamed(
  z.union([z.literal('all-local'), z.object({ groups: z.array(groupName).min(1, 'name at least one local group') }).strict()]),
  '`all-local` or `{ groups: [NAME, …] }`',
);

const groupsSelection = typeNamed(z.union([z.literal('all'), z.array(groupName)]), '`all` or list of local group names');

export const provisioningSchema = z
  .object({
    userContainer: documented(
      dn,
      'Where idsync creates the users it exports (it must be under `baseDn`). Accounts outside it are never touched, nor any with `adminCount=1` or in ' +
        'Domain Admins, Enterprise Admins, Schema Admins or Administrators (through any nesting): exporting one fails with `PROVISION_PROTECTED`.',
      { example: '`OU=idsync,OU=Staff,DC=corp,DC=example,DC=com`' },
    ),
    groupContainer: documented(dn, 'Where idsync creates the local groups it exports (under `baseDn`).', {
      example: '`OU=idsync-groups,DC=corp,DC=example,DC=com`',
    }),
    users: documented(
      usersSelection.default('all-local'),
      'Which store users are exported: `all-local` (every user created in idsync, none synced from a directory), or `{ groups: [...] }` (the members ' +
        'of these local groups, local or synced). A user who is disabled, in the trash or no longer selected is disabled in the directory, never deleted ' +
        '(deleting the account stays a manual step).',
      { example: '`{ groups: [engineering, sales] }`' },
    ),
    groups: documented(
      groupsSelection.default([]),
      "Which local groups are exported, with their membership kept equal to the store's (members that are not exported users are left out): `all` or " +
        'a list of names.',
      { example: '`[engineering]`' },
    ),
    attributes: exportAttributes.default({}),
    upnSuffix: documented(
      z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/, 'must be a DNS name such as corp.example.com')
        .optional(),
      'Active Directory: the suffix of the `userPrincipalName` written beside `sAMAccountName` (`username@upnSuffix`). It must be one of the ' +
        "forest's UPN suffixes.",
      { default: 'the DNS name of `baseDn` (`DC=corp,DC=example,DC=com` → `corp.example.com`)', example: '`example.com`' },
    ),
    passwords: documented(
      z.boolean().default(true),
      'Export the passwords set in idsync (`idsync users password`). The directory hashes them by its own policy; idsync keeps only an argon2id ' +
        'verifier, and a password waits for delivery sealed with `api.secretsKey`. Active Directory takes passwords only over `ldaps` or `starttls`. ' +
        'With `false`, a new Active Directory account gets no password, and enabling it fails where the domain requires one.',
      { example: '`false`' },
    ),
    serverHashesPasswords: documented(
      z.boolean().optional(),
      'OpenLDAP only: the server hashes a clear `userPassword` written in an add (slapo-ppolicy `olcPPolicyHashCleartext: TRUE`), so a new user ' +
        'is created with its password in one add instead of an add and a Password Modify operation: half the writes, the cost of `ldapadd`. ' +
        'The first new user on each server is read back (Post-Read) to check that the password was stored hashed; if the server kept it as ' +
        'given, idsync re-sets it through Password Modify at once, reports CONFIG_INVALID and stops doing it for that server. Changes of ' +
        'password always use Password Modify.',
      { default: '`false`', example: '`true`' },
    ),
    disable: z
      .object({
        attribute: documented(
          attributeKey,
          'OpenLDAP, which has no standard disabled flag: the attribute idsync sets on a disabled user (and removes to enable them).',
          { default: '`pwdAccountLockedTime` (ppolicy)', example: '`nsAccountLock`' },
        ),
        value: documented(z.string().min(1), 'The value it is set to. The default `000001010000Z` locks a ppolicy account until the attribute is removed.', {
          default: '`000001010000Z`',
          example: '`"true"`',
        }),
      })
      .strict()
      .optional(),
  })
  .strict();
export type ProvisioningInput = z.infer<typeof provisioningSchema>;

/** Which store users a target exports. */
export type UserSelection = { kind: 'all-local' } | { kind: 'groups'; groups: string[] };

export interface ProvisioningConfig {
  userContainer: string;
  groupContainer: string;
  users: UserSelection;
  /** 'all', or local group names. */
  groups: 'all' | string[];
  attributes: ExportMap;
  passwords: boolean;
  /** AD: the userPrincipalName suffix. */
  upnSuffix?: string;
  /** OpenLDAP: how a user is disabled. */
  disable?: { attribute: string; value: string };
  /** OpenLDAP: the server hashes a clear userPassword in an add (olcPPolicyHashCleartext). */
  serverHashesPasswords?: boolean;
  /** The type's naming and validation rules (src/directory/profiles/export-attributes.ts). */
  profile: Omit<ExportProfile, 'map' | 'disable'>;
}

function configError(where: string, message: string): IdsyncError {
  return new IdsyncError('CONFIG_INVALID', `${where}: ${message}`, { where });
}

/** `DC=corp,DC=example,DC=com` → `corp.example.com`; undefined when the DN has no DC components. */
export function dnsNameOf(baseDn: string): string | undefined {
  const parts = baseDn
    .split(/(?<!\\),/)
    .map((p) => p.trim())
    .filter((p) => /^dc=/i.test(p))
    .map((p) => p.slice(3).trim());
  return parts.length ? parts.join('.') : undefined;
}

/** `at` is the directory's path (`directories[0]`), so errors name the key: `directories[0].provisioning.userContainer`. */
export function resolveProvisioning(p: ProvisioningInput, type: DirectoryType, baseDn: string, at: string): ProvisioningConfig {
  const where = `${at}.provisioning`;
  const base = dnKey(baseDn);
  for (const key of ['userContainer', 'groupContainer'] as const) {
    if (!isUnder(dnKey(p[key]), base)) throw configError(`${where}.${key}`, `${p[key]} is not under baseDn ${baseDn}`);
  }
  const { map: defaults, disable: defaultDisable, ...profile } = EXPORT_PROFILES[type];
  const attributes = { ...defaults } as Record<ExportField, string | string[]>;
  for (const k of EXPORT_KEYS) {
    const given = p.attributes[k];
    if (given !== undefined) attributes[k] = given;
  }
  if (type === 'active-directory' && p.disable) {
    throw configError(`${where}.disable`, 'is for OpenLDAP: Active Directory accounts are disabled through userAccountControl');
  }
  if (type === 'openldap' && p.upnSuffix !== undefined) throw configError(`${where}.upnSuffix`, 'is for Active Directory (userPrincipalName)');
  if (type === 'active-directory' && p.serverHashesPasswords) {
    throw configError(`${where}.serverHashesPasswords`, 'is for OpenLDAP: Active Directory always hashes the password it is given (unicodePwd)');
  }
  let upnSuffix: string | undefined;
  if (type === 'active-directory') {
    upnSuffix = p.upnSuffix ?? dnsNameOf(baseDn);
    if (!upnSuffix) throw configError(`${where}.upnSuffix`, `is required: baseDn ${baseDn} has no DC= components to take the domain's name from`);
  }
  const users: UserSelection = p.users === 'all-local' ? { kind: 'all-local' } : { kind: 'groups', groups: p.users.groups };
  return {
    userContainer: p.userContainer,
    groupContainer: p.groupContainer,
    users,
    groups: p.groups,
    attributes: attributes as ExportMap,
    passwords: p.passwords,
    ...(upnSuffix ? { upnSuffix } : {}),
    ...(type === 'openldap' ? { disable: p.disable ?? defaultDisable, serverHashesPasswords: p.serverHashesPasswords } : {}),
    profile,
  };
}

/** What works but an administrator should know: passwords Active Directory will refuse over a clear connection. */
export function provisioningWarnings(p: ProvisioningConfig, type: DirectoryType, servers: { url: string; transport: string }[], at: string): string[] {
  if (!p.passwords || type !== 'active-directory') return [];
  return servers
    .filter((s) => s.transport === 'clear')
    .map(
      (s) =>
        `${at}.provisioning.passwords: ${s.url} uses transport "clear", and Active Directory takes passwords only over ldaps or starttls (PROVISION_INSECURE)`,
    );
}
