import { expect } from 'vitest';
import { Workspace, type ExportedStore } from './workspace.js';

/**
 * What a store must hold to be "in step" with the directory, compared with what a fresh full sync
 * into a new store produces. Fields that depend on when or how a user got there are left out:
 * deletion dates, and the trash itself (a fresh store never saw the users who left).
 */
export function comparable(s: ExportedStore) {
  return {
    users: s.users.filter((u) => u.status !== 'trashed').map(({ deleteAfter: _d, ...u }) => u),
    groups: s.groups.map((g) => ({ ...g, members: [...g.members].sort() })),
  };
}

/** A new workspace with the same directories and a store of its own, fully synced once. */
export async function freshSync(ws: Workspace, store?: string): Promise<ReturnType<typeof comparable>> {
  const fresh = new Workspace(store ? { store } : {}).configure(ws.directories);
  await fresh.sync();
  return comparable(await fresh.export());
}

/**
 * Waits until `ws`'s store equals a fresh full sync, within `timeoutMs`; on time-out the test fails
 * with the difference.
 */
export async function expectConverges(ws: Workspace, expected: ReturnType<typeof comparable>, timeoutMs = 30_000): Promise<void> {
  let last: ReturnType<typeof comparable> | undefined;
  try {
    await ws.waitFor(
      async () => {
        last = comparable(await ws.export());
        return JSON.stringify(last) === JSON.stringify(expected);
      },
      timeoutMs,
      250,
    );
  } catch {
    expect(last).toEqual(expected);
  }
}
