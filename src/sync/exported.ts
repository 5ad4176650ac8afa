import type { DirectoryConfig } from '../config/load.js';
import type { Store } from '../store/db.js';
import type { ScopedEntry } from './read.js';
import type { SeenIds } from './seen.js';

/*
 * No ping-pong (issue 12, "One directory both read and written"): the users idsync exported to a
 * directory are its own writes, and the inbound sync of that directory leaves them alone. Without
 * this, an exported local user in an inbound container would be adopted by the directory (a
 * directory adopts a local user of the same name, src/sync/user-changes.ts), stop being local,
 * be unbound, and be disabled in the directory by the next delivery.
 */

/**
 * The directory ids (lower-case) of the users idsync exported to this directory, or undefined when
 * it exports nothing there. Read once per run (full) or per change set (incremental).
 */
export async function exportedUserIds(store: Store, cfg: DirectoryConfig, directoryId: number): Promise<ReadonlySet<string> | undefined> {
  return exportedIds(store, cfg, directoryId, 'user');
}

/**
 * The directory ids (lower-case) of the groups idsync exported to this directory: a sync item that
 * chooses one of them (src/sync/groups.ts, planMemberships) leaves it alone, so an exported group
 * never comes back as a directory group with the same members.
 */
export async function exportedGroupIds(store: Store, cfg: DirectoryConfig, directoryId: number): Promise<ReadonlySet<string> | undefined> {
  return exportedIds(store, cfg, directoryId, 'group');
}

async function exportedIds(store: Store, cfg: DirectoryConfig, directoryId: number, kind: 'user' | 'group'): Promise<ReadonlySet<string> | undefined> {
  if (!cfg.provisioning || directoryId <= 0) return undefined;
  const ids = await store.provisioning.exportedTargetIds(directoryId, kind);
  return new Set([...ids].map((id) => id.toLowerCase()));
}

/** An entry idsync exported: left alone, and marked seen, so a store user with its id is never taken for gone. */
export function isExported(cfg: DirectoryConfig, s: ScopedEntry, exported: ReadonlySet<string>, seen: SeenIds): boolean {
  let id: string | undefined;
  try {
    id = cfg.profile.externalId(s.entry)?.toLowerCase();
  } catch {
    return false;
  }
  if (!id || !exported.has(id)) return false;
  seen.add(id);
  return true;
}
