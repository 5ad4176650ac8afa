import { z } from '@hono/zod-openapi';
import type { DirectoryConfig } from '../config/load.js';
import { attributeRecord, type AttributeShape } from '../directory/profiles/attributes.js';
import type { Store } from '../store/db.js';
import { directoryStatus, type DirectoryFacts } from '../store/configured-directories.js';
import type { ConfiguredDirectory } from '../directories/registry.js';
import { directoryInputSchema } from './directories.js';

const syncItemView = z.union([
  z.object({ group: z.string() }),
  z.object({ container: z.string(), filter: z.string().optional(), scope: z.enum(['sub', 'one']) }),
]);

const statusView = z.object({
  lastRun: z
    .object({
      id: z.number().int(),
      kind: z.string(),
      status: z.string(),
      startedAt: z.string(),
      finishedAt: z.string().nullable(),
      errorCode: z.string().nullable(),
    })
    .nullable(),
  mode: z.string().nullable(),
  connected: z.boolean(),
  server: z.string().nullable(),
  message: z.string().nullable(),
  lastAppliedAt: z.string().nullable(),
  lagMs: z.number().nullable(),
  lastFullSyncAt: z.string().nullable(),
  nextFullSyncAt: z.string().nullable(),
  lastError: z.string().nullable(),
});

/**
 * A directory as the API shows it, the same for file and API directories: the effective settings
 * (profile defaults filled in), never the bind password, and the sync status. API directories also
 * carry `config`, the stored input without the password, ready to be edited and PUT back.
 */
type AttributeMapShape = AttributeShape<z.ZodString, z.ZodArray<z.ZodString>>;

/** A directory's attribute mapping as the API shows it: one entry per key of the map (src/directory/profiles/attributes.ts). */
export const attributeMapSchema = z.object(
  attributeRecord((_key, f) => (f.value === 'list' ? z.array(z.string()) : z.string()).openapi({ description: f.description })) as unknown as AttributeMapShape,
);

export const filtersSchema = z.object({ user: z.string(), group: z.string(), container: z.string() });

/** The effective provisioning block (issue 12), defaults filled in; null: idsync does not write to the directory. */
const provisioningView = z
  .object({
    userContainer: z.string(),
    groupContainer: z.string(),
    users: z.union([z.literal('all-local'), z.object({ groups: z.array(z.string()) })]),
    groups: z.union([z.literal('all'), z.array(z.string())]),
    attributes: z
      .record(z.string(), z.union([z.string(), z.array(z.string())]))
      .openapi({ description: 'The export map: store field → directory attribute(s).' }),
    passwords: z.boolean(),
    upnSuffix: z.string().nullable(),
    disable: z.object({ attribute: z.string(), value: z.string() }).nullable(),
  })
  .nullable();

function provisioning(cfg: DirectoryConfig): z.infer<typeof provisioningView> {
  const p = cfg.provisioning;
  if (!p) return null;
  return {
    userContainer: p.userContainer,
    groupContainer: p.groupContainer,
    users: p.users.kind === 'all-local' ? 'all-local' : { groups: p.users.groups },
    groups: p.groups,
    attributes: p.attributes,
    passwords: p.passwords,
    upnSuffix: p.upnSuffix ?? null,
    disable: p.disable ?? null,
  };
}

export const directoryViewSchema = z
  .object({
    name: z.string(),
    type: z.enum(['active-directory', 'openldap']),
    managedBy: z.enum(['file', 'api']).openapi({ description: '`file`: defined in the configuration file, read-only here.' }),
    servers: z.array(z.string()),
    transport: z
      .enum(['ldaps', 'starttls', 'clear', 'agent'])
      .openapi({ description: '`agent`: reached through an on-premises agent (`servers` is then `agent://NAME`).' }),
    verifyHostname: z.boolean(),
    customCa: z.boolean(),
    bind: z.object({ dn: z.string(), passwordSet: z.boolean() }).nullable(),
    baseDn: z.string(),
    filters: filtersSchema,
    disabledFilter: z.string().nullable(),
    syncItems: z.array(syncItemView),
    attributes: attributeMapSchema,
    importPhones: z.boolean(),
    importNotes: z.boolean(),
    importPasswordHashes: z.boolean(),
    defaultCountry: z.string().nullable(),
    pageSize: z.number().int(),
    memberRangeSize: z.number().int().nullable(),
    trashDays: z.number(),
    timeouts: z.object({ connectMs: z.number().int(), operationMs: z.number().int() }),
    continuous: z.object({ changes: z.string(), pollSeconds: z.number(), notifications: z.boolean(), fullSyncHours: z.number() }),
    safeguard: z.object({ enabled: z.boolean(), maxRemovals: z.number().nullable(), maxRemovalPercent: z.number().nullable() }),
    provisioning: provisioningView,
    warnings: z.array(z.string()),
    usernameLocked: z.boolean().openapi({ description: 'The directory has synced: attributes.username can no longer change.' }),
    firstSyncedAt: z.string().nullable(),
    status: statusView,
    config: directoryInputSchema.optional(),
    updatedAt: z.string().optional(),
    updatedBy: z.string().nullable().optional(),
  })
  .openapi('Directory');
export type DirectoryView = z.infer<typeof directoryViewSchema>;

/** What the store knows of every directory, in three queries whatever their number. */
export function storeFacts(store: Store): Promise<DirectoryFacts> {
  return directoryStatus(store).facts();
}

function syncItems(cfg: DirectoryConfig): DirectoryView['syncItems'] {
  return cfg.syncItems.map((i) => (i.kind === 'group' ? { group: i.dn } : { container: i.dn, ...(i.filter ? { filter: i.filter } : {}), scope: i.scope }));
}

export function directoryView(e: ConfiguredDirectory, facts: DirectoryFacts): DirectoryView {
  const cfg = e.cfg;
  const row = facts.rows.get(cfg.name);
  const s = facts.states.find((x) => x.name === cfg.name);
  const run = facts.runs.get(cfg.name);
  const lagMs = s?.last_change_at && s.last_applied_at ? Math.max(0, new Date(s.last_applied_at).getTime() - new Date(s.last_change_at).getTime()) : null;
  return {
    name: cfg.name,
    type: cfg.type,
    managedBy: e.managedBy,
    servers: cfg.servers.map((x) => x.url),
    transport: cfg.servers[0].transport,
    verifyHostname: cfg.tls.verifyHostname,
    customCa: cfg.tls.ca !== undefined,
    bind: cfg.bind ? { dn: cfg.bind.dn, passwordSet: e.passwordSet } : null,
    baseDn: cfg.baseDn,
    filters: cfg.filters,
    disabledFilter: cfg.disabledFilter ?? null,
    syncItems: syncItems(cfg),
    attributes: cfg.attributes,
    importPhones: cfg.importPhones,
    importNotes: cfg.importNotes,
    importPasswordHashes: cfg.importPasswordHashes,
    defaultCountry: cfg.defaultCountry ?? null,
    pageSize: cfg.pageSize,
    memberRangeSize: cfg.memberRangeSize ?? null,
    trashDays: cfg.trashDays,
    timeouts: cfg.timeouts,
    continuous: cfg.continuous,
    safeguard: cfg.safeguard,
    provisioning: provisioning(cfg),
    warnings: cfg.warnings,
    usernameLocked: !!row?.first_synced_at,
    firstSyncedAt: row?.first_synced_at ?? null,
    status: {
      lastRun: run
        ? { id: run.id, kind: run.kind, status: run.status, startedAt: run.started_at, finishedAt: run.finished_at, errorCode: run.error_code }
        : null,
      mode: s?.mode ?? null,
      connected: !!s?.connected,
      server: s?.server ?? null,
      message: s?.status_message ?? null,
      lastAppliedAt: s?.last_applied_at ?? null,
      lagMs,
      lastFullSyncAt: s?.last_full_sync_at ?? null,
      nextFullSyncAt: s?.next_full_sync_at ?? null,
      lastError: s?.last_error ?? null,
    },
    ...(e.input ? { config: e.input, updatedAt: e.updatedAt, updatedBy: e.updatedBy ?? null } : {}),
  };
}
