import { z } from 'zod';
import { ldapFilterProblem } from './ldap-filter.js';
import { serverUrlSchema } from './server-url.js';

/**
 * The configuration file's shape. Every key is documented in docs/configuration.md with its
 * default and an example; keep the two in step. Defaults that depend on the directory type
 * (filters, attribute names) are filled in by the directory profiles, not here, so that this
 * schema only states what the user wrote.
 */

const secretValue = z.union([
  z.string(),
  z.object({ file: z.string().min(1) }).strict(),
  z.object({ env: z.string().min(1) }).strict(),
]);
export type SecretValue = z.infer<typeof secretValue>;

/** One rule for the file and the API: src/config/server-url.ts. */
const ldapUrl = serverUrlSchema;

const dn = z.string().trim().min(1, 'must be a distinguished name');

const filter = z
  .string()
  .trim()
  .regex(/^\([\s\S]*\)$/, 'must be an LDAP filter in parentheses, such as (objectClass=user)')
  .superRefine((f, ctx) => {
    const problem = f.startsWith('(') && f.endsWith(')') ? ldapFilterProblem(f) : null;
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
  })
  .describe('An LDAP search filter (RFC 4515), in parentheses.');

const syncItem = z.union([
  z.object({ group: dn }).strict(),
  z
    .object({
      container: dn,
      filter: filter.optional(),
      scope: z.enum(['sub', 'one']).default('sub'),
    })
    .strict(),
]);
export type SyncItemConfig = z.infer<typeof syncItem>;

const attributes = z
  .object({
    username: z.string().min(1).optional(),
    aliases: z.array(z.string().min(1)).max(4, 'at most 4 username aliases').optional(),
    fullName: z.string().min(1).optional(),
    firstName: z.string().min(1).optional(),
    lastName: z.string().min(1).optional(),
    email: z.string().min(1).optional(),
    phones: z.array(z.string().min(1)).optional(),
    notes: z.string().min(1).optional(),
    groupName: z.string().min(1).optional(),
    member: z.string().min(1).optional(),
  })
  .strict();

const directory = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'must be 1-63 letters, digits, dot, dash or underscore'),
    type: z.enum(['active-directory', 'openldap']),
    servers: z.array(ldapUrl).min(1, 'list at least one server'),
    transport: z.enum(['ldaps', 'starttls', 'clear']).optional(),
    caFile: z.string().min(1).optional(),
    ca: z.string().min(1).optional(),
    verifyHostname: z.boolean().default(true),
    bind: z
      .object({ dn: z.string().min(1), password: secretValue })
      .strict()
      .optional(),
    timeouts: z
      .object({
        connectMs: z.number().int().positive().default(5000),
        operationMs: z.number().int().positive().default(60000),
        runMs: z.number().int().positive().default(3_600_000),
      })
      .strict()
      .default({}),
    baseDn: dn,
    filters: z
      .object({ user: filter.optional(), group: filter.optional(), container: filter.optional() })
      .strict()
      .default({}),
    disabledFilter: filter.optional(),
    groups: z.array(dn).default([]),
    syncItems: z.array(syncItem).default([]),
    attributes: attributes.default({}),
    importPhones: z.boolean().default(false),
    importNotes: z.boolean().default(false),
    defaultCountry: z
      .string()
      .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code such as US')
      .optional(),
    pageSize: z.number().int().min(1).max(10000).default(1000),
    limits: z
      .object({
        maxMessageMB: z.number().min(1).max(256).default(32),
        maxPageEntries: z.number().int().min(1).max(10_000_000).optional(),
      })
      .strict()
      .default({}),
    memberRangeSize: z.number().int().min(10).max(100000).optional(),
    trashDays: z.number().min(0).default(7),
    continuous: z
      .object({
        changes: z.enum(['auto', 'content-sync', 'content-sync-poll', 'timestamp', 'dirsync', 'usn', 'off']).default('auto'),
        pollSeconds: z.number().min(0.05).max(86400).default(5),
        notifications: z.boolean().default(true),
        fullSyncHours: z.number().min(0.01).max(24 * 365).default(24),
      })
      .strict()
      .default({}),
    safeguard: z
      .object({
        enabled: z.boolean().default(true),
        maxRemovals: z.number().int().min(0).nullable().default(10),
        maxRemovalPercent: z.number().min(0).max(100).nullable().default(25),
      })
      .strict()
      .default({}),
  })
  .strict();
export type DirectoryConfigInput = z.infer<typeof directory>;
/** One directory as the file writes it; the admin API validates directories it stores with it too. */
export const directorySchema = directory;

/** `host:port`, `[v6]:port`; the host may be a name. Port 0 picks a free port. */
export const listenSchema = z
  .string()
  .regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'must be HOST:PORT, such as 127.0.0.1:8470 or [::1]:8470')
  .refine((v) => Number(v.slice(v.lastIndexOf(':') + 1)) <= 65535, 'port must be at most 65535');

const api = z
  .object({
    enabled: z.boolean().default(true),
    listen: listenSchema.default('127.0.0.1:8470'),
    trustProxy: z.boolean().default(false),
    secureCookies: z.boolean().default(false),
    sessionIdleMinutes: z.number().int().min(1).max(24 * 60).default(60),
    sessionMaxHours: z.number().min(0.1).max(24 * 30).default(12),
    publicMetrics: z.boolean().default(false),
    maxBodyKb: z.number().int().min(1).max(64 * 1024).default(1024),
    secretsKey: secretValue.optional(),
  })
  .strict();
export type ApiConfigInput = z.infer<typeof api>;

export const configSchema = z
  .object({
    store: z.string().min(1).default('sqlite:./data/idsync.db'),
    log: z
      .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
      .strict()
      .default({}),
    directories: z.array(directory).default([]),
    api: api.default({}),
  })
  .strict();
export type ConfigInput = z.infer<typeof configSchema>;
