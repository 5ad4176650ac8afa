import { z } from 'zod';
import { attributeRecord, type AttributeShape } from '../directory/profiles/attributes.js';
import { attributeName } from './attribute-name.js';
import { documented, typeNamed } from './key-docs.js';
import { ldapFilterProblem } from './ldap-filter.js';
import { alertsSchema, smtpSchema } from './mail.js';
import { provisioningSchema } from './provisioning.js';
import { serverUrlSchema } from './server-url.js';

/**
 * The configuration file's shape, and its documentation: each key's description, example and
 * default in words (src/config/key-docs.ts) are the reference tables of docs/configuration.md,
 * which `npm run generate` writes from here (scripts/config-reference.ts). Defaults that depend on
 * the directory type (filters, attribute names) are filled in by the directory profiles, not here,
 * so that this schema only states what the user wrote; the reference reads them from the profiles.
 */

const secretValue = typeNamed(
  z.union([z.string(), z.object({ file: z.string().min(1) }).strict(), z.object({ env: z.string().min(1) }).strict()]),
  '[secret](#secrets)',
);
export type SecretValue = z.infer<typeof secretValue>;

/** One rule for the file and the API: src/config/server-url.ts. */
const ldapUrl = typeNamed(serverUrlSchema, 'LDAP URL');

/** An on-premises agent's name (src/agent/hub/enrollment.ts, AGENT_NAME). */
const agentName = typeNamed(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'must be 1-63 letters, digits, dot, dash or underscore'), 'agent name');

const dn = typeNamed(z.string().trim().min(1, 'must be a distinguished name'), 'DN');

const filter = z
  .string()
  .trim()
  .regex(/^\([\s\S]*\)$/, 'must be an LDAP filter in parentheses, such as (objectClass=user)')
  .superRefine((f, ctx) => {
    const problem = f.startsWith('(') && f.endsWith(')') ? ldapFilterProblem(f) : null;
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
  })
  .describe('An LDAP search filter (RFC 4515), in parentheses.');
typeNamed(filter, 'LDAP filter');

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
typeNamed(syncItem, 'sync item');
export type SyncItemConfig = z.infer<typeof syncItem>;

const attributeKey = typeNamed(attributeName, 'attribute name');

/** One optional key per field of the attribute map (src/directory/profiles/attributes.ts). */
const attributes = z
  .object(
    attributeRecord((_key, f) => {
      const list = f.value === 'list' && !('input' in f) ? z.array(attributeKey) : null;
      const schema = list ? (f.max ? list.max(f.max.count, f.max.message) : list) : attributeKey;
      return documented(schema.optional(), f.description, { example: f.example });
    }) as unknown as AttributeShape<z.ZodOptional<typeof attributeKey>, z.ZodOptional<z.ZodArray<typeof attributeKey>>, true>,
  )
  .strict();

const directory = z
  .object({
    name: documented(
      z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'must be 1-63 letters, digits, dot, dash or underscore'),
      'Unique name: 1–63 letters, digits, `.`, `-`, `_`. Used by `--directory`, in run history and as the owner of synced users. Renaming it makes a ' +
        'new directory.',
      { example: '`corp`' },
    ),
    type: documented(
      z.enum(['active-directory', 'openldap']),
      '`active-directory` or `openldap` (any RFC 4519 directory with inetOrgPerson and groupOfNames/groupOfUniqueNames). Chooses the defaults below.',
      { example: '`openldap`' },
    ),
    servers: documented(
      z.array(ldapUrl).min(1, 'list at least one server').optional(),
      'LDAP URLs, tried in order: the first that answers is used, the others are backups. A server that cannot be reached or fails TLS is skipped and ' +
        'named in the run report. Each is `ldap://` or `ldaps://`, a host name or address, and an optional port from 1 to 65535; nothing else (a DN, ' +
        'attributes or a filter after the host are refused, since `baseDn` and `filters` say those). The admin API checks directories it stores with the ' +
        'same rule.',
      { default: 'none: required unless `agent` is given', example: '`[ldaps://dc1.corp.example:636, ldaps://dc2.corp.example:636]`' },
    ),
    agent: documented(
      z.union([agentName, z.array(agentName).min(1, 'list at least one agent')]).optional(),
      'Reach the directory through an on-premises agent (`idsync agents create NAME`, see [the agent](agent-configuration.md)) instead of ' +
        'connecting to it: a name, or a list of agents of the same site. Every listed agent keeps its channel; `idsync serve` makes the first ' +
        'connected one (in this order) the primary, the others stand by, and when the primary drops or misses a heartbeat the next takes over ' +
        "(within 30 s), the sync resuming from its stored position. The directory then has no `servers`, `bind`, `transport` or CA here: the agents' " +
        "configurations hold them, and the bind password stays on premises. Only `idsync serve`, which holds the agents' channels, can reach it.",
      { default: 'none', example: '`[site-paris-1, site-paris-2]`' },
    ),
    transport: documented(
      z.enum(['ldaps', 'starttls', 'clear']).optional(),
      '`ldaps`, `starttls` or `clear`. `clear` with a password prints a warning on every run: the password crosses the network unencrypted.',
      { default: 'from the URL: `ldaps://` → `ldaps`, `ldap://` → `starttls`', example: '`starttls`' },
    ),
    caFile: documented(z.string().min(1).optional(), "PEM bundle of the CA(s) that issued the servers' certificates.", {
      default: 'system CAs',
      example: '`./corp-ca.pem`',
    }),
    ca: documented(z.string().min(1).optional(), 'The same PEM bundle inline, instead of `caFile`.'),
    verifyHostname: documented(
      z.boolean().default(true),
      'Check that the certificate names the host in the URL (subjectAltName). The chain is verified even when this is `false`.',
      { example: '`false`' },
    ),
    bind: z
      .object({
        dn: documented(z.string().min(1), 'Bind DN, or `user@domain` on Active Directory. Without `bind`, idsync binds anonymously.', {
          default: 'anonymous',
          example: '`svc-idsync@corp.example`',
        }),
        password: documented(secretValue, 'The bind password, a [secret](#secrets). Must not be empty (see [Secrets](#secrets)).', {
          example: '`{ env: IDSYNC_BIND_PASSWORD }`',
        }),
      })
      .strict()
      .optional(),
    timeouts: z
      .object({
        connectMs: documented(z.number().int().positive().default(5000), 'How long to wait for a TCP connection and its TLS handshake.', { example: '`2000`' }),
        operationMs: documented(
          z.number().int().positive().default(60000),
          'How long the server may stay silent while idsync waits for an answer (StartTLS, the bind, a read, the next entries of a page, a DirSync ' +
            'round). A slow but steady page never times out.',
          { example: '`120000`' },
        ),
        runMs: documented(
          z.number().int().positive().default(3_600_000),
          'The longest a sync may read from the directory, from its connection to its last page, however steadily the server sends: a server that never ' +
            'ends a page, or hands out paging cookies forever, fails the run with `DIRECTORY_TIMEOUT` before anything is removed. Under `idsync serve` it ' +
            "also bounds each read of an increment, so a broken server cannot block the directory's queue. Raise it for a directory whose full sync " +
            'really takes longer.',
          { defaultNote: '(1 hour)', example: '`14400000`' },
        ),
      })
      .strict()
      .default({}),
    baseDn: documented(dn, 'Where users and groups are searched (subtree). Every sync item must be under it.', { example: '`DC=corp,DC=example,DC=com`' }),
    filters: z
      .object({
        user: documented(
          filter.optional(),
          'Which entries are users. This and every other filter key must be one RFC 4515 filter in parentheses, with balanced parentheses (a literal ' +
            'parenthesis in a value is `\\28` or `\\29`); it is checked with the parser that encodes it at search time.',
          { example: '`(&(objectClass=user)(!(sAMAccountName=svc-*)))`' },
        ),
        group: documented(filter.optional(), 'Which entries are groups (chosen groups and the groups nested in them).'),
        container: documented(filter.optional(), "Which entries are containers (reserved for the admin panel's container picker)."),
      })
      .strict()
      .default({}),
    disabledFilter: documented(
      filter.optional(),
      'Users matching this filter are synced as disabled. OpenLDAP has no standard flag; on AD it adds to `userAccountControl` ACCOUNTDISABLE and a ' +
        'past `accountExpires`, which are always honoured.',
      { example: '`(pwdAccountLockedTime=*)`' },
    ),
    groups: documented(z.array(dn).default([]), 'Group DNs to sync: shorthand for `syncItems: [{ group: DN }]`, appended after `syncItems`.', {
      example: '`["CN=Engineering,OU=Groups,DC=corp,DC=example,DC=com"]`',
    }),
    syncItems: documented(
      z.array(syncItem).default([]),
      'Ordered items: `{ group: DN }` or `{ container: DN, filter?: "(…)", scope?: sub|one }`. A user is in scope when any item reaches them; the first ' +
        'item that does is recorded as the reason they are synced (`idsync users show`). At least one item (here or in `groups`) is required: an empty ' +
        'selection would remove everyone. A directory with a `provisioning` block may have none: it is then only written to.',
      { example: '`[{ container: "OU=Staff,DC=corp,DC=example,DC=com", filter: "(department=Sales)" }, { group: "CN=Contractors,…" }]`' },
    ),
    attributes: attributes.default({}),
    /** Outbound provisioning (issue 12): src/config/provisioning.ts. Its keys are listed as `provisioning.…`. */
    provisioning: provisioningSchema.optional(),
    importPhones: documented(
      z.boolean().default(false),
      'Import phones, normalised to E.164; an extension written `x890` or `ext. 890` is kept apart. A number without `+` and country code is skipped ' +
        'with a warning unless `defaultCountry` is set. When off, phones in the store are left as they are.',
      { example: '`true`' },
    ),
    enrollment: z
      .object({
        email: documented(
          z.boolean().default(false),
          'Send each new or newly active user of this directory an enrollment email for a second factor (issue 15; needs `smtp` and ' +
            '`api.publicUrl`): active users with a valid email address and no authenticator, and with `importPhones` only those without a ' +
            'phone. Reminders 2 and 10 days later; an expired link (30 days) is replaced at the next sync. See docs/enrollment.md.',
          { example: '`enrollment: { email: true }`' },
        ),
      })
      .strict()
      .default({}),
    importNotes: documented(z.boolean().default(false), 'Import notes. When off, notes in the store are left as they are.', { example: '`true`' }),
    importPasswordHashes: documented(
      z.boolean().default(false),
      "OpenLDAP only (issue 14): read each synced user's `userPassword` and keep the hash as it is, so `POST /api/v1/auth/verify` checks the " +
        'directory password. Schemes: `{SSHA}`, `{SSHA256}`, `{SSHA512}`, `{CRYPT}` `$5$`/`$6$`/`$2b$`, `{PBKDF2-SHA256}` (and SHA1/SHA512), ' +
        '`{ARGON2}`; cleartext and other schemes are reported per user, never imported; ppolicy `pwdReset: TRUE` is FilteredByTarget. ' +
        'The bind must be allowed to read `userPassword` ' +
        '(docs/password-hash-sync.md). Not through an agent: the agent never lets a password attribute through.',
      { example: '`true`' },
    ),
    defaultCountry: documented(
      z
        .string()
        .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code such as US')
        .optional(),
      'ISO 3166 country for phone numbers written without a country code.',
      { example: '`GB`' },
    ),
    pageSize: documented(
      z.number().int().min(1).max(10000).default(1000),
      'Entries per page of a paged search (RFC 2696). Servers may cap it (AD: 1000). Memory follows the page size, not the directory size.',
      { example: '`500`' },
    ),
    limits: z
      .object({
        maxMessageMB: documented(
          z.number().min(1).max(256).default(32),
          'The largest single LDAP message (one entry) idsync accepts, 1–256. A larger one is refused from its header, before it is read, with ' +
            '`DIRECTORY_LIMIT_EXCEEDED`. About 20 MB holds a group of 300,000 members listed in one entry (OpenLDAP; Active Directory sends large groups ' +
            'in ranges). Decoding costs several times the message in memory.',
          { example: '`128`' },
        ),
        maxPageEntries: documented(
          z.number().int().min(1).max(10_000_000).optional(),
          'The most entries one page of a search may hold. RFC 2696 lets a server send fewer than asked, never more; more is a broken server (or one ' +
            'without paging that answers a whole search at once) and fails with `DIRECTORY_LIMIT_EXCEEDED`.',
          { default: 'ten times the page size asked for, at least 1,000', example: '`50000`' },
        ),
      })
      .strict()
      .default({}),
    memberRangeSize: documented(
      z.number().int().min(10).max(100000).optional(),
      'Values per chunk when reading large `member` attributes with range retrieval (MS-ADTS 3.1.1.3.1.3.3). Windows caps at 1500.',
      { example: '`1000`' },
    ),
    trashDays: documented(
      z.number().min(0).default(7),
      'A user who leaves scope is disabled and put in the trash; after this many days they are deleted from the store. A user who comes back before ' +
        'then is restored with the same identity.',
      { example: '`30`' },
    ),
    continuous: z
      .object({
        changes: documented(
          z.enum(['auto', 'content-sync', 'content-sync-poll', 'timestamp', 'dirsync', 'usn', 'off']).default('auto'),
          'How `idsync serve` learns about changes between full syncs. OpenLDAP: `content-sync` (RFC 4533 refreshAndPersist: changes are pushed; needs ' +
            'the syncprov overlay), `content-sync-poll` (RFC 4533 refreshOnly, polled), `timestamp` (poll `modifyTimestamp`; for servers without ' +
            'syncprov, deletions are reconciled by the full sync). Active Directory: `dirsync` (DirSync with incremental values, woken by change ' +
            'notifications; needs "Replicating Directory Changes"), `usn` (uSNChanged polling plus the Deleted Objects container). `auto` picks the first ' +
            'that works; `off` runs full syncs only.',
          { example: '`timestamp`' },
        ),
        pollSeconds: documented(
          z.number().min(0.05).max(86400).default(5),
          "Interval of polling sources, and of the safety poll beside push and notifications. On Active Directory each poll first reads the DC's " +
            '`highestCommittedUSN` (one root DSE read) and runs DirSync only when it moved, so an idle poll costs the same however large the domain.',
          { example: '`1`' },
        ),
        notifications: documented(
          z.boolean().default(true),
          'Active Directory: apply changed users and groups at once, found by a `highestCommittedUSN` probe every 50 ms and by change ' +
            'notifications (LDAP_SERVER_NOTIFICATION_OID), instead of waiting for the next poll; DirSync still confirms every change ' +
            'and carries deletions. `false`: DirSync on the poll only.',
          { example: '`false`' },
        ),
        fullSyncHours: documented(
          z
            .number()
            .min(0.01)
            .max(24 * 365)
            .default(24),
          '`idsync serve` runs a full sync this often, the first one at a random moment within the interval (spreading directories over the day), to ' +
            'reconcile what change tracking cannot see.',
          { example: '`6`' },
        ),
      })
      .strict()
      .default({}),
    safeguard: z
      .object({
        enabled: documented(
          z.boolean().default(true),
          'Hold removals (disables and moves to the trash) over the limits below until an administrator approves them (`idsync approvals`, `idsync ' +
            'approve RUN`, `idsync reject RUN`). Held users stay active and keep their group memberships until the run is approved; everything else in ' +
            'the run is applied. A full sync whose `filters.user` matches no entry at all while the store holds users of the directory holds every ' +
            'removal, whatever the limits (a mistyped filter or base DN, or a bind account that no longer sees the users, is far likelier than a ' +
            'directory emptied on purpose; approve the run if it was). `false` turns off every hold, that one included. See [held ' +
            'removals](#held-removals).',
          { example: '`false`' },
        ),
        maxRemovals: documented(
          z.number().int().min(0).nullable().default(10),
          'Hold when a run would remove more than this many users. `null` turns the count limit off.',
          { example: '`500`' },
        ),
        maxRemovalPercent: documented(
          z.number().min(0).max(100).nullable().default(25),
          "Hold when a run would remove more than this percentage of the directory's users in the store (never for a single user). `null` turns it off.",
          { example: '`20`' },
        ),
      })
      .strict()
      .default({}),
  })
  .strict();
typeNamed(directory, 'directory');
export type DirectoryConfigInput = z.infer<typeof directory>;
/** One directory as the file writes it; the admin API validates directories it stores with it too. */
export const directorySchema = directory;

/** `host:port`, `[v6]:port`; the host may be a name. Port 0 picks a free port. */
export const listenSchema = typeNamed(
  z
    .string()
    .regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'must be HOST:PORT, such as 127.0.0.1:8470 or [::1]:8470')
    .refine((v) => Number(v.slice(v.lastIndexOf(':') + 1)) <= 65535, 'port must be at most 65535'),
  '`HOST:PORT`',
);

const api = z
  .object({
    enabled: documented(z.boolean().default(true), 'Serve the API. `false`: `idsync serve` only syncs.', { example: '`false`' }),
    listen: documented(
      listenSchema.default('127.0.0.1:8470'),
      '`HOST:PORT` to listen on (`[::1]:8470` for IPv6; port `0` picks a free one, logged at start). `idsync serve --listen` overrides it. A port in ' +
        'use stops `idsync serve` with `CONFIG_INVALID`.',
      { example: '`0.0.0.0:8470`' },
    ),
    trustProxy: documented(
      z.boolean().default(false),
      'idsync is behind a reverse proxy: the client address (audit log, login limits) is the last `X-Forwarded-For` hop, and `X-Forwarded-Proto: https` ' +
        'makes cookies `Secure`. Without it these headers are ignored. First-run setup (`POST /api/v1/setup`) never works through a proxy.',
      { example: '`true`' },
    ),
    publicUrl: documented(
      z
        .string()
        .url()
        .refine((v) => /^https?:\/\//.test(v) && !v.includes('#') && !v.includes('?'), 'must be an http(s) URL without query or fragment')
        .optional(),
      "The address users and administrators reach `idsync serve` at, as they type it (behind a proxy: the proxy's). Links in emails (enrollment " +
        'links, alerts) are made from it, and it is the WebAuthn origin of the enrollment page (its host is the relying party ID). Needed for enrollment.',
      { example: '`https://idsync.corp.example`' },
    ),
    secureCookies: documented(z.boolean().default(false), 'Always mark the session and CSRF cookies `Secure`.', { example: '`true`' }),
    sessionIdleMinutes: documented(
      z
        .number()
        .int()
        .min(1)
        .max(24 * 60)
        .default(60),
      'A panel session ends after this long without a request (never earlier; at most a second later).',
      { example: '`30`' },
    ),
    sessionMaxHours: documented(
      z
        .number()
        .min(0.1)
        .max(24 * 30)
        .default(12),
      'A panel session ends this long after login, used or not.',
      { example: '`8`' },
    ),
    publicMetrics: documented(
      z.boolean().default(false),
      'Serve `/metrics` without credentials. By default it needs an API token of any role (`Authorization: Bearer …`; Prometheus: `authorization: { ' +
        'credentials_file: … }`).',
      { example: '`true`' },
    ),
    maxBodyKb: documented(
      z
        .number()
        .int()
        .min(1)
        .max(64 * 1024)
        .default(1024),
      'Largest request body, in KiB; larger ones get 413 `PAYLOAD_TOO_LARGE`.',
      { example: '`256`' },
    ),
    tls: z
      .object({
        certFile: documented(z.string().min(1), "PEM certificate chain the API (and the agents' channel) is served with over HTTPS.", {
          example: '`/etc/idsync/tls/cert.pem`',
        }),
        keyFile: documented(z.string().min(1), 'Its private key (PEM).', { example: '`/etc/idsync/tls/key.pem`' }),
      })
      .strict()
      .optional(),
    secretsKey: documented(
      secretValue.optional(),
      'Encrypts the bind passwords of directories created through the API (AES-256-GCM), so a copy of the store alone holds no usable password. At ' +
        'least 32 characters of random text; a secret like any other (inline, `{ file }`, `{ env }`). Passwords stored by an earlier idsync in clear are ' +
        'encrypted when `idsync serve` starts. Keep the key with your backups of the store: without it, those passwords must be set again.',
      {
        default:
          'a random key in `secrets.key` beside the SQLite store (for PostgreSQL: `data/secrets.key` beside this file), ' +
          'created on first use with mode 0600',
        example: '`{ env: IDSYNC_SECRETS_KEY }`',
      },
    ),
  })
  .strict();
export type ApiConfigInput = z.infer<typeof api>;
/** The `api` section, for its own reference table. */
export const apiSchema = api;

export const configSchema = z
  .object({
    store: documented(
      z.string().min(1).default('sqlite:./data/idsync.db'),
      'Where idsync keeps users, groups and run history. `sqlite:PATH` (embedded, created on first use with mode 0600, as are its `-wal` and `-shm` ' +
        'files) or a PostgreSQL URL. A `schema` query parameter puts the tables in that PostgreSQL schema (created if missing, so an account without the ' +
        'CREATE right on the database works once the schema exists), which lets one database hold several stores. Migrations run at start, one process at ' +
        'a time (several idsync processes may start together on a new store). Several `idsync serve` may share a store: each directory is run by the one ' +
        'holding its lease, the others stand by and take over when it dies (SQLite: within 12 s, heartbeat 3 s, expiry 10 s, at once when the dead holder ' +
        'ran on the same machine; PostgreSQL: an advisory lock, within 2 s; see the README, "Running continuously"). A SQLite store is for one machine.',
      { example: '`postgres://idsync:pw@db:5432/idsync?schema=idsync`' },
    ),
    log: z
      .object({
        level: documented(
          z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
          "`fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`; logs are JSON on stderr, so stdout stays the command's answer.",
          { defaultNote: '(the command line: `warn`, unless set here or in `IDSYNC_LOG_LEVEL`)', example: '`log: { level: debug }`' },
        ),
      })
      .strict()
      .default({}),
    directories: documented(z.array(directory).default([]), 'The directories to sync, in order.', { example: 'see below' }),
    passwordSync: z
      .object({
        verifyWorkers: documented(z.number().int().min(1).max(64).optional(), 'Worker threads checking passwords for POST /api/v1/auth/verify (argon2id).', {
          default: 'half the CPUs, at least 1',
        }),
        verifyQueue: documented(
          z.number().int().min(0).max(100_000).default(64),
          'Verifications allowed to wait for a worker; beyond, 429 with Retry-After at once (the admin API stays responsive).',
        ),
        logRetentionDays: documented(z.number().int().min(1).max(3650).default(7), "How long each user's password sync attempts are kept (Entra: 7 days)."),
      })
      .strict()
      .default({}),
    secondFactor: z
      .object({
        maxFailures: documented(
          z.number().int().min(1).max(1000).default(10),
          'Failed second-factor attempts (wrong or replayed codes, failed WebAuthn assertions) in a row that lock a user out (Duo: 10). A success ' +
            'starts the count again.',
          { example: '`5`' },
        ),
        lockoutMinutes: documented(
          z.number().int().min(0).max(525_600).default(15),
          'How long an automatic lockout lasts; `0`: until an administrator unlocks the user (`idsync users factor-status USER active`).',
          { example: '`0`' },
        ),
        issuer: documented(
          z.string().min(1).max(64).default('idsync'),
          'The issuer an authenticator app shows beside the username for a TOTP enrolled on the enrollment page.',
          { example: '`Corp VPN`' },
        ),
      })
      .strict()
      .default({}),
    node: z
      .object({
        name: documented(
          z
            .string()
            .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'letters, digits, dot, dash and underscore, at most 63')
            .optional(),
          "This `idsync serve` node's name when several share one PostgreSQL store (issue 16; docs/multi-node.md): shown by `idsync nodes`, on " +
            'leases and as the `node` label of every Prometheus metric. `IDSYNC_NODE_NAME` overrides it, so that nodes sharing one file differ.',
          { default: "the host's name", example: '`node: { name: hub-a }`' },
        ),
      })
      .strict()
      .default({}),
    smtp: smtpSchema.optional(),
    alerts: alertsSchema.default({}),
    api: documented(api.default({}), 'The admin API of `idsync serve`.', {
      default: 'see below',
      example: '`api: { listen: "0.0.0.0:8470", trustProxy: true }`',
    }),
  })
  .strict();
export type ConfigInput = z.infer<typeof configSchema>;
