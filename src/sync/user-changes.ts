import { createHash, hash } from 'node:crypto';
import type { DirectoryConfig } from '../config/load.js';
import { dnKey } from '../directory/codecs.js';
import type { NewUserRow, UserPatch, UserRow } from '../store/sync/rows.js';
import type { SyncReads } from '../store/sync/writer.js';
import { userFieldNames } from '../store/user-fields.js';
import { entryDigest } from './digest.js';
import { isExported } from './exported.js';
import { mapUser, userAttributes, type MappedUser } from './mapping.js';
import type { ScopedEntry } from './read.js';
import type { MappingStats } from './mapping-stats.js';
import type { KnownUser, SeenIds } from './seen.js';
import type { AttributeChange, ObjectChange, RunCounts } from './report.js';
import type { DesiredMembers } from './groups.js';
import { createdId, type PendingRemoval, type Placeholders, type Plan } from './plan.js';

export type { PendingRemoval } from './plan.js';

/** A page's plan, with what the rest of the run needs from it. */
export interface PagePlan extends Plan {
  /** Disables the safeguard decides on with the run's other removals. */
  removals: PendingRemoval[];
  /** Store ids and chosen-group item indexes of the page's in-scope users that the store has; new users' are on their user.create. */
  members: { userId: number; groups: readonly number[] }[];
}

/**
 * The page's users as members of the chosen groups: after the page is applied, new users count
 * with their store ids, in a dry run with the plan's placeholders.
 */
export function addPageMembers(desired: DesiredMembers, page: PagePlan): void {
  for (const m of page.members) desired.add(m.userId, m.groups);
  for (const c of page.changes) if (c.kind === 'user.create') desired.add(createdId(c), c.groups);
}

/** Store ids of the page's in-scope users (placeholders for users not created yet). */
export function pageUserIds(page: PagePlan): number[] {
  const ids = page.members.map((m) => m.userId);
  for (const c of page.changes) if (c.kind === 'user.create') ids.push(createdId(c));
  return ids;
}

type Managed = 'username' | 'aliases' | 'full_name' | 'first_name' | 'last_name' | 'email' | 'phones' | 'notes' | 'dn' | 'sync_item';

const MANAGED: Managed[] = ['username', 'aliases', 'full_name', 'first_name', 'last_name', 'email', 'phones', 'notes', 'dn', 'sync_item'];
const LABELS: Record<Managed, string> = userFieldNames(MANAGED);

function desiredColumns(cfg: DirectoryConfig, u: MappedUser, item: string): Partial<Record<Managed, string | null>> {
  const cols: Partial<Record<Managed, string | null>> = {
    username: u.username,
    aliases: JSON.stringify(u.aliases),
    full_name: u.fullName,
    first_name: u.firstName,
    last_name: u.lastName,
    email: u.email,
    dn: u.dn,
    sync_item: item,
  };
  // Phones and notes are left alone unless imported, as Duo does: turning the option off must not wipe them.
  if (cfg.importPhones) cols.phones = JSON.stringify(u.phones);
  if (cfg.importNotes) cols.notes = u.notes;
  return cols;
}

function display(col: Managed, v: string | null | undefined): unknown {
  if (v == null) return null;
  return col === 'aliases' || col === 'phones' ? JSON.parse(v) : v;
}

/** The attributes a new user would get, as a plan shows them (before: nothing). */
function createdAttributes(row: NewUserRow): Record<string, AttributeChange> {
  const out: Record<string, AttributeChange> = {};
  for (const col of Object.keys(LABELS) as Managed[]) {
    if (col === 'username' || col === 'sync_item') continue;
    const v = display(col, row[col as keyof NewUserRow] as string | null);
    if (v !== null && !(Array.isArray(v) && v.length === 0)) out[LABELS[col]] = { before: null, after: v };
  }
  return out;
}

const fingerprints = new WeakMap<DirectoryConfig, string>();

/** The settings that decide how an entry becomes a store user: changing any of them changes every digest. */
function mappingFingerprint(cfg: DirectoryConfig): string {
  let f = fingerprints.get(cfg);
  if (!f) {
    // Hashed once: with 10,000 chosen groups the settings are a long string, not to be rehashed per user.
    f = createHash('md5')
      .update(
        JSON.stringify([
          cfg.attributes,
          cfg.importPhones,
          cfg.importNotes,
          cfg.defaultCountry ?? null,
          cfg.disabledFilter ?? null,
          cfg.syncItems.map((i) => i.label),
        ]),
      )
      .digest('base64');
    fingerprints.set(cfg, f);
  }
  return f;
}

const contexts = new WeakMap<DirectoryConfig, Map<number, string>>();

/** The digests of everything besides the entry that decides a store row, by combination: a run has only a few. */
function contextDigests(cfg: DirectoryConfig): Map<number, string> {
  let m = contexts.get(cfg);
  if (!m) contexts.set(cfg, (m = new Map()));
  return m;
}

function contextDigest(cfg: DirectoryConfig, cache: Map<number, string>, s: ScopedEntry, itemLabel: string, now: Date): string {
  let disabled: boolean | string;
  try {
    disabled = cfg.profile.status(s.entry, now).disabled;
  } catch {
    disabled = 'unreadable';
  }
  const k = s.itemIndex! * 8 + (s.disabledByFilter ? 4 : 0) + (disabled === true ? 1 : disabled === false ? 0 : 2);
  let d = cache.get(k);
  if (!d) cache.set(k, (d = hash('md5', `${mappingFingerprint(cfg)}\u0000${s.disabledByFilter}\u0000${disabled}\u0000${itemLabel}`, 'base64').slice(0, 12)));
  return d;
}

/**
 * What the directory says about a user, as a digest taken before any mapping (the source part,
 * followed by the context part above): at steady state an unchanged user costs one hash, not an
 * attribute mapping, phone parsing and a row read. Entries from a bulk read are hashed as the
 * bytes the server sent (entry.source: DN and the requested attributes); others (change-tracking
 * entries) as their values. The two forms of one entry differ, which only costs one full
 * comparison when the next run reads it the other way. Status is part of the context, as computed
 * now, because it can change with time alone (accountExpires passing).
 */
function sourcePart(cfg: DirectoryConfig, s: ScopedEntry): string {
  const source = s.entry.source;
  if (source) return entryDigest(source);
  const parts: string[] = [s.entry.dn];
  for (const attr of userAttributes(cfg)) {
    parts.push(attr);
    for (const v of s.entry.raw(attr)) parts.push(typeof v === 'string' ? v : v.toString('base64'));
  }
  return entryDigest(parts.join('\u0000'));
}

/** stored === source + context, without building the concatenation (most users are unchanged). */
function sameDigest(stored: string | null, source: string, context: string): boolean {
  return stored !== null && stored.length === source.length + context.length && stored.startsWith(source) && stored.endsWith(context);
}

/**
 * Plans one page of in-scope directory users against the store (read, never written). Identity is
 * the directory's immutable id; a username is only used to adopt an unowned store user or to
 * detect a conflict with another owner. `describeNew`: log lines of new users show the attributes
 * they would get (a dry run's plan shows them, a run's log does not keep them).
 */
export async function planUserPage(
  db: SyncReads,
  cfg: DirectoryConfig,
  directoryId: number,
  page: ScopedEntry[],
  opts: {
    now: Date;
    counts: RunCounts;
    seen: SeenIds;
    itemLabel: (i: number) => string;
    ids: Placeholders;
    describeNew?: boolean;
    known?: Map<string, KnownUser>;
    stats?: MappingStats;
    /** Ids of the users idsync exported to this directory: never imported (no ping-pong, src/sync/exported.ts). */
    exported?: ReadonlySet<string>;
  },
): Promise<PagePlan> {
  const { now, counts, seen } = opts;
  const ts = now.toISOString();
  const result: PagePlan = { changes: [], log: [], removals: [], members: [] };
  const mapped: { m: MappedUser; s: ScopedEntry; digest: string }[] = [];
  const contextCache = contextDigests(cfg);
  for (const s of page) {
    if (s.itemIndex === undefined) continue;
    if (opts.exported?.size && isExported(cfg, s, opts.exported, seen)) continue;
    const item = opts.itemLabel(s.itemIndex);
    const source = sourcePart(cfg, s);
    const context = contextDigest(cfg, contextCache, s, item, now);
    // Steady state: the directory says what it said last time, so the stored row is already right.
    if (opts.known) {
      let id: string | undefined;
      try {
        id = cfg.profile.externalId(s.entry);
      } catch {
        id = undefined;
      }
      const known = id === undefined ? undefined : opts.known.get(id);
      // A second entry with an id the run has met is planned in full below (and found a duplicate).
      if (known && sameDigest(known[2], source, context) && seen.markKnown(known[0])) {
        counts.unchanged++;
        result.members.push({ userId: known[0], groups: s.groups });
        continue;
      }
    }
    const digest = source + context;
    const r = mapUser(cfg, s.entry, now, s.disabledByFilter);
    if (!r.ok) {
      // Keep the user's identity seen when we can read it, so bad data never looks like a departure.
      try {
        const id = cfg.profile.externalId(s.entry);
        if (id) seen.add(id);
      } catch {
        /* unreadable id: nothing to protect */
      }
      counts.skipped++;
      result.log.push({ objectType: 'user', name: r.name, outcome: 'skipped', reason: r.reason });
      continue;
    }
    if (seen.has(r.user.externalId)) continue;
    seen.add(r.user.externalId);
    opts.stats?.add(r.user);
    mapped.push({ m: r.user, s, digest });
  }
  if (!mapped.length) return result;

  const byExt = await db.usersByExternalId(
    directoryId,
    mapped.map((x) => x.m.externalId),
  );
  const needName = mapped.filter((x) => !byExt.has(x.m.externalId) || byExt.get(x.m.externalId)!.username_key !== x.m.username.toLowerCase());
  const byName = needName.length ? await db.usersByUsernameKey(needName.map((x) => x.m.username.toLowerCase())) : new Map<string, UserRow>();
  const ownerNames = new Map<number, string>();
  const claimed = new Set<string>();

  const creates: PagePlan['changes'] = [];

  for (const { m, s, digest } of mapped) {
    const item = opts.itemLabel(s.itemIndex!);
    const key = m.username.toLowerCase();
    let existing = byExt.get(m.externalId);
    let adopted = false;
    const holder = byName.get(key);
    if (claimed.has(key) || (holder && holder.id !== existing?.id && (holder.directory_id !== null || existing))) {
      const owner =
        holder?.directory_id == null ? undefined : holder.directory_id === directoryId ? cfg.name : await ownerName(db, holder.directory_id, ownerNames);
      counts.conflict++;
      result.log.push({
        objectType: 'user',
        name: m.username,
        externalId: m.externalId,
        userId: existing?.id,
        outcome: 'conflict',
        reason: owner
          ? `username "${m.username}" is already owned by directory "${owner}"` +
            `${owner === cfg.name ? ` (another entry, ${holder!.dn})` : ''}; the first owner keeps it`
          : `username "${m.username}" is already taken in the store`,
      });
      if (existing) result.members.push({ userId: existing.id, groups: s.groups });
      continue;
    }
    if (!existing && holder && holder.directory_id === null) {
      existing = holder;
      adopted = true;
    }
    claimed.add(key);

    const statusWanted = m.disabled ? 'disabled' : 'active';
    if (!existing) {
      const row: NewUserRow = {
        username: m.username,
        username_key: key,
        directory_id: directoryId,
        external_id: m.externalId,
        dn: m.dn,
        dn_key: dnKey(m.dn),
        source_hash: digest,
        aliases: JSON.stringify(m.aliases),
        full_name: m.fullName,
        first_name: m.firstName,
        last_name: m.lastName,
        email: m.email,
        phones: JSON.stringify(cfg.importPhones ? m.phones : []),
        notes: cfg.importNotes ? m.notes : null,
        status: statusWanted,
        status_reason: m.disabled ? (m.disabledReason ?? 'disabled in the directory') : null,
        sync_item: item,
        trashed_at: null,
        delete_after: null,
        created_at: ts,
        updated_at: ts,
      };
      counts.created++;
      creates.push({
        kind: 'user.create',
        ref: opts.ids.take(),
        row,
        groups: s.groups,
        log: {
          objectType: 'user',
          name: m.username,
          externalId: m.externalId,
          outcome: 'created',
          item,
          warnings: m.warnings.length ? m.warnings : undefined,
          reason: m.disabled ? m.disabledReason : undefined,
          // A plan shows what each new user would hold, so the mapping can be checked before the first import (issue 10 item 15).
          ...(opts.describeNew ? { attributes: createdAttributes(row) } : {}),
        },
      });
      continue;
    }

    const attributes: Record<string, AttributeChange> = {};
    const set: UserPatch = {};
    for (const [col, value] of Object.entries(desiredColumns(cfg, m, item)) as [Managed, string | null][]) {
      const before = (existing as unknown as Record<string, string | null>)[col];
      if ((before ?? null) !== (value ?? null)) {
        (set as Record<string, unknown>)[col] = value;
        if (col === 'username') set.username_key = key;
        if (col === 'dn') set.dn_key = dnKey(value!);
        attributes[LABELS[col]] = { before: display(col, before), after: display(col, value) };
      }
    }
    if (existing.dn_key !== dnKey(m.dn)) set.dn_key = dnKey(m.dn);
    let deferred = false;
    if (adopted) {
      set.directory_id = directoryId;
      set.external_id = m.externalId;
    }
    let outcome: ObjectChange['outcome'] = Object.keys(attributes).length || adopted ? 'updated' : 'unchanged';
    let reason: string | undefined = adopted ? 'adopted an existing store user with the same username' : undefined;
    if (existing.status !== 'active' && statusWanted === 'active') {
      set.status = 'active';
      set.status_reason = null;
      set.trashed_at = null;
      set.delete_after = null;
      attributes.status = { before: existing.status, after: 'active' };
      outcome = 'restored';
      reason = existing.status === 'trashed' ? 'back in scope before the deletion date; restored from the trash' : 'enabled again in the directory';
    } else if (existing.status === 'trashed' && statusWanted === 'disabled') {
      set.status = 'disabled';
      set.status_reason = m.disabledReason ?? 'disabled in the directory';
      set.trashed_at = null;
      set.delete_after = null;
      attributes.status = { before: 'trashed', after: 'disabled' };
      outcome = 'restored';
      reason = 'back in scope (disabled in the directory); taken out of the trash';
    } else if (existing.status === 'active' && statusWanted === 'disabled') {
      deferred = true;
      result.removals.push({
        userId: existing.id,
        username: m.username,
        externalId: m.externalId,
        action: 'disable',
        reason: m.disabledReason ?? 'disabled in the directory',
      });
    } else if (existing.status === 'disabled' && statusWanted === 'disabled' && existing.status_reason !== (m.disabledReason ?? null)) {
      set.status_reason = m.disabledReason ?? 'disabled in the directory';
    }
    // A disable waiting for the safeguard keeps the old digest, so the next run plans it again.
    if (!deferred && existing.source_hash !== digest) set.source_hash = digest;
    if (outcome === 'restored') counts.restored++;
    else if (outcome === 'updated') counts.updated++;
    else counts.unchanged++;
    if (Object.keys(set).length) {
      set.updated_at = ts;
      result.changes.push({ kind: 'user.update', userId: existing.id, set });
    }
    if (outcome !== 'unchanged') {
      result.log.push({
        objectType: 'user',
        name: m.username,
        externalId: m.externalId,
        userId: existing.id,
        outcome,
        reason,
        attributes,
        item,
        warnings: m.warnings.length ? m.warnings : undefined,
      });
    } else if (m.warnings.length) {
      result.log.push({ objectType: 'user', name: m.username, externalId: m.externalId, userId: existing.id, outcome: 'unchanged', warnings: m.warnings });
    }
    result.members.push({ userId: existing.id, groups: s.groups });
  }

  // New users follow the page's updates, as one batch; their log lines close the page's.
  for (const c of creates) {
    result.changes.push(c);
    if (c.kind === 'user.create') result.log.push(c.log);
  }
  return result;
}

async function ownerName(db: SyncReads, directoryId: number, cache: Map<number, string>): Promise<string> {
  let n = cache.get(directoryId);
  if (!n) {
    n = (await db.directoryName(directoryId)) ?? String(directoryId);
    cache.set(directoryId, n);
  }
  return n;
}
