import { readDcIdentity, type DcIdentity } from '../../directory/ad/dc-identity.js';
import { DirSyncAccessDenied, dirSyncRounds, type DirSyncChange } from '../../directory/ad/dirsync.js';
import { deletedSince, objectsAtUsns, PROBE_MAX_USNS, usnChanges } from '../../directory/ad/usn-poll.js';
import type { DirectoryConnection } from '../../directory/connection.js';
import type { SyncStatePatch } from '../../store/sync-state.js';
import type { ChangeSet } from '../../sync/incremental.js';
import { userAttributes } from '../../sync/mapping.js';
import type { ChangeSource, SourceContext } from '../change-source.js';
import { NotificationWaker, timerOnly, type NotifiedObject, type Waker } from './ad-notify-waker.js';

export type { Waker } from './ad-notify-waker.js';

// Tombstones keep objectClass but lose objectCategory: filter on objectClass only, or deletions are missed.
const TRACKED = '(|(objectClass=user)(objectClass=group))';

function identityKey(id: DcIdentity): string {
  return `${id.dnsHostName}|${id.invocationId}`;
}

/**
 * More notified objects than this at once (a bulk change) are left to DirSync, which reads them
 * in one search instead of one read each.
 */
const NOTIFIED_AT_ONCE = 100;

/**
 * With notifications on, the DC's highestCommittedUSN is also read this often, and the objects
 * stamped with the new USNs are applied like notified ones (objectsAtUsns). On Samba a
 * notification arrives only after the DC re-runs the registration as a uSNChanged range search
 * over the base DN, an unindexed scan: 210-330 ms after the write at 20,000 users. The probe is
 * one root DSE read (0.5 ms) per period, and an indexed search when something changed.
 */
const PROBE_MS = 50;

function toChangeSet(changes: DirSyncChange[], groupIds: (id: string) => boolean): Omit<ChangeSet, 'state'> {
  const cs: Omit<ChangeSet, 'state'> = { changed: [], deleted: [] };
  for (const c of changes) {
    if (c.deleted) {
      cs.deleted.push({ id: c.guid, dn: c.dn });
      continue;
    }
    const lower = c.objectClass.map((o) => o.toLowerCase());
    const isGroup = lower.includes('group') || c.memberAdded.length > 0 || c.memberRemoved.length > 0 || groupIds(c.guid);
    const isUser = !isGroup && lower.includes('user');
    cs.changed.push({ dn: c.dn, id: c.guid, kind: isGroup ? 'group' : isUser ? 'user' : undefined });
  }
  return cs;
}

/**
 * Active Directory through DirSync (MS-ADTS 3.1.1.3.4.1.3), the way Entra Connect reads AD: the
 * cookie and the DC that issued it are stored with the data; another DC answering, or the same DC
 * restored (a new invocationId), means the cookie means nothing there: reload. Without the
 * "Replicating Directory Changes" right the server refuses DirSync: fall back to uSNChanged.
 */
export class DirSyncSource implements ChangeSource {
  readonly mode = 'dirsync';

  constructor(
    private readonly waker: Waker = timerOnly,
    private readonly fallback = new UsnSource(waker),
  ) {}

  async baseline(ctx: { conn: DirectoryConnection }): Promise<SyncStatePatch> {
    const id = await readDcIdentity(ctx.conn);
    let cookie: Buffer | undefined;
    try {
      for await (const round of dirSyncRounds(ctx.conn, { ncRoot: id.defaultNamingContext ?? '', filter: TRACKED, attributes: ['1.1'] })) cookie = round.cookie;
    } catch (err) {
      if (err instanceof DirSyncAccessDenied) return this.fallback.baseline(ctx);
      throw err;
    }
    return { mode: this.mode, cookie: cookie?.toString('base64') ?? null, server_identity: identityKey(id) };
  }

  async run(ctx: SourceContext): Promise<void> {
    if (ctx.state?.mode === 'usn') {
      this.fallback.note = 'the bind account lacks "Replicating Directory Changes" for DirSync';
      return this.fallback.run(ctx);
    }
    const id = await readDcIdentity(ctx.conn);
    if (ctx.state?.server_identity && ctx.state.server_identity !== identityKey(id)) {
      return ctx.resync(
        `the DirSync cookie was issued by ${ctx.state.server_identity.split('|')[0]}, now ${id.dnsHostName} answers (or its database was restored)`,
      );
    }
    const cookie: Buffer | undefined = ctx.state?.cookie ? Buffer.from(ctx.state.cookie, 'base64') : undefined;
    if (!cookie) return ctx.resync('no DirSync position stored');
    // Register for notifications before the first read, so no change falls between the two.
    const ncRoot = id.defaultNamingContext ?? ctx.cfg.baseDn;
    const subtree = ctx.cfg.continuous.notifications ? await cheapToWatch(ctx) : false;
    const notes = ctx.cfg.continuous.notifications ? await NotificationWaker.start(ctx.cfg, ncRoot, ctx.signal, ctx.now, subtree) : undefined;
    const every = `every ${ctx.cfg.continuous.pollSeconds} s`;
    await ctx.status({
      mode: this.mode,
      connected: true,
      message: `DirSync on ${id.dnsHostName}${notes ? sourceNote(notes.failure, subtree, every) : ''}`,
    });
    try {
      await this.#loop(ctx, id, ncRoot, cookie, notes ?? this.waker, notes);
    } finally {
      await notes?.stop();
    }
  }

  /**
   * Notified users and groups, and those the USN probe finds, are applied at once, each read again
   * by DN like any change. DirSync runs on the poll timer, at once when a notification or the probe
   * cannot say what changed (a deletion, an OU, a bulk change), and when the notifications stop.
   * It confirms what was applied (the applier re-reads every entry, so an older DirSync answer
   * never undoes a newer value), catches what the fast path misses (link values without a stamp,
   * rights the probe lacks), and moves the cookie; a notified change never moves it.
   */
  async #loop(ctx: SourceContext, id: DcIdentity, ncRoot: string, start: Buffer, waker: Waker, notes?: NotificationWaker): Promise<void> {
    let cookie = start;
    let seenUsn: bigint | undefined;
    const pollMs = ctx.cfg.continuous.pollSeconds * 1000;
    let probeMs = notes ? Math.min(PROBE_MS, pollMs) : undefined;
    // Every USN up to `probed` was looked at by the probe or is covered by the first DirSync.
    let probed = probeMs !== undefined ? await highestCommittedUsn(ctx.conn) : undefined;
    let probeAt = 0;
    let dirSyncAt = 0;
    while (!ctx.signal.aborted) {
      if (notes?.pending) {
        const n = notes.take();
        // What the probe applied already, the notification need not apply again.
        const fresh = n.objects.filter((o) => o.usn === undefined || probed === undefined || o.usn > probed);
        if (n.needsDirSync || !(await this.#applyNotified(ctx, fresh, n.since))) dirSyncAt = 0;
      }
      if (probeMs !== undefined && probed !== undefined && performance.now() >= probeAt) {
        probeAt = performance.now() + probeMs;
        const usn = await highestCommittedUsn(ctx.conn);
        if (usn !== undefined && usn > probed) {
          if (usn - probed > BigInt(PROBE_MAX_USNS)) dirSyncAt = 0;
          else {
            const seenAt = ctx.now();
            const objects: NotifiedObject[] = [];
            let other = false;
            let hits: Awaited<ReturnType<typeof objectsAtUsns>> = [];
            try {
              hits = await objectsAtUsns(ctx.conn, { ncRoot, afterUsn: probed, upToUsn: usn });
            } catch (err) {
              // Refused (an LDAP result, e.g. no right to see tombstones): DirSync alone, as before.
              if (typeof (err as { cause?: { code?: unknown } }).cause?.code !== 'number') throw err;
              probeMs = undefined;
              other = true;
            }
            for (const h of hits) {
              const kind = h.objectClass.includes('group') ? 'group' : h.objectClass.includes('user') ? 'user' : undefined;
              // Deletions, and changes to OUs or other classes, only DirSync can spell out.
              if (h.deleted || !kind) other = true;
              else objects.push({ id: h.guid, dn: h.dn, kind });
            }
            if (!(await this.#applyNotified(ctx, objects, seenAt)) || other) dirSyncAt = 0;
          }
          probed = usn;
        }
      }
      if (performance.now() >= dirSyncAt) {
        dirSyncAt = performance.now() + pollMs;
        // An idle cycle is one root DSE read: DirSync's own cost grows with the domain on Samba
        // (6.6 ms at 1,000 users, 22 ms at 5,000), the DC's highestCommittedUSN does not. The USN
        // is read before DirSync, so a change committed in between is seen by the next cycle.
        const usn = await highestCommittedUsn(ctx.conn);
        if (seenUsn === undefined || usn === undefined || usn > seenUsn) {
          seenUsn = usn;
          const next = await this.#dirSync(ctx, id, ncRoot, cookie);
          if (!next) return;
          cookie = next;
        }
      }
      const next = probeMs !== undefined ? Math.min(dirSyncAt, probeAt) : dirSyncAt;
      await waker.wait(Math.max(0, next - performance.now()), ctx.signal);
    }
  }

  /** Applies notified (or probed) users and groups; false when they must be left to DirSync. */
  async #applyNotified(ctx: SourceContext, objects: NotifiedObject[], seenAt?: Date): Promise<boolean> {
    if (!objects.length) return true;
    if (objects.length > NOTIFIED_AT_ONCE) return false;
    const changed: ChangeSet['changed'] = [];
    let complete = true;
    for (const o of objects) {
      // Read by objectGUID for the DN it has now: a rename right after the notified change would
      // otherwise send the applier to a DN where nothing is, which it takes for gone.
      const now = await ctx.conn.read(`<GUID=${o.id}>`, ['1.1']);
      if (now) changed.push({ dn: now.dn, id: o.id, kind: o.kind });
      else complete = false; // deleted since: DirSync reports the tombstone
    }
    if (changed.length) await ctx.apply({ changed, deleted: [], seenAt, state: {} });
    return complete;
  }

  /** One DirSync read from `cookie`, applied round by round; the new cookie, or undefined after a resync. */
  async #dirSync(ctx: SourceContext, id: DcIdentity, ncRoot: string, cookie: Buffer): Promise<Buffer | undefined> {
    try {
      // DirSync returns an object only when an attribute it was asked for changed: ask for every
      // attribute the mapping reads, or a changed mail never arrives.
      const attributes = [...new Set([...userAttributes(ctx.cfg), ...ctx.cfg.attributes.member, ctx.cfg.attributes.groupName, 'objectClass'])].filter(
        (a) => a !== 'objectGUID',
      );
      for await (const round of dirSyncRounds(ctx.conn, { ncRoot, filter: TRACKED, attributes, cookie })) {
        const cs = toChangeSet(round.changes, () => false);
        await ctx.apply({ ...cs, seenAt: ctx.now(), state: { mode: this.mode, cookie: round.cookie.toString('base64'), server_identity: identityKey(id) } });
        cookie = round.cookie;
      }
      return cookie;
    } catch (err) {
      if (err instanceof DirSyncAccessDenied) {
        await ctx.status({
          mode: 'usn',
          connected: true,
          message: 'the bind account lacks "Replicating Directory Changes": polling uSNChanged instead of DirSync',
        });
        await ctx.resync('DirSync refused (insufficient rights): switching to uSNChanged polling');
        return undefined;
      }
      // An LDAP result (not a lost connection) to a DirSync with our cookie: the DC rejects the
      // cookie (corrupt, or from another database). Only a reload gets a valid one.
      const code = (err as { cause?: { code?: unknown } }).cause?.code;
      if (typeof code === 'number') {
        await ctx.resync(`the DC rejected the DirSync cookie (LDAP result ${code}: ${(err as Error).message})`);
        return undefined;
      }
      throw err;
    }
  }
}

/** Above this, a notification registration on the base DN costs the DC too much per write. */
const WATCH_COST_MS = 25;

/**
 * Whether a change notification on the base DN is cheap for the DC. A DC answers each
 * registration after every write with a search for uSNChanged above the last one it sent
 * (Samba: dsdb_notification.c): timed once here on the base DN. Samba does not index that range
 * and scans the subtree (200-330 ms at 20,000 users, during which it answers nobody); the probe
 * finds the same objects through the uSNChanged index instead.
 */
async function cheapToWatch(ctx: SourceContext): Promise<boolean> {
  const usn = await highestCommittedUsn(ctx.conn);
  if (usn === undefined) return true;
  const t0 = performance.now();
  for await (const _ of ctx.conn.pages({ base: ctx.cfg.baseDn, scope: 'sub', filter: `(uSNChanged>=${usn + 1n})`, attributes: ['1.1'] })) {
    // nothing: only the time counts
  }
  return performance.now() - t0 < WATCH_COST_MS;
}

/** The DC's highest committed USN (rootDSE, MS-ADTS 3.1.1.3.2.1), undefined when unreadable. */
export async function highestCommittedUsn(conn: DirectoryConnection): Promise<bigint | undefined> {
  const v = (await conn.rootDse(['highestCommittedUSN']))?.string('highestCommittedUSN');
  return v && /^\d+$/.test(v) ? BigInt(v) : undefined;
}

/**
 * The fallback for accounts without replication rights ("Polling for Changes Using USNChanged"):
 * entries with uSNChanged above the stored high-water mark, on the same DC, plus tombstones from
 * the Deleted Objects container (visible to privileged accounts; the full sync reconciles the rest).
 */
export class UsnSource implements ChangeSource {
  readonly mode = 'usn';
  /** Why this source runs instead of DirSync, for `idsync status`. */
  note?: string;

  constructor(private readonly waker: Waker = timerOnly) {}

  async baseline(ctx: { conn: DirectoryConnection }): Promise<SyncStatePatch> {
    const id = await readDcIdentity(ctx.conn);
    return { mode: this.mode, cookie: id.highestCommittedUSN.toString(), server_identity: identityKey(id) };
  }

  async run(ctx: SourceContext): Promise<void> {
    let id = await readDcIdentity(ctx.conn);
    if (!ctx.state?.cookie) return ctx.resync('no uSNChanged position stored');
    if (ctx.state.server_identity && ctx.state.server_identity !== identityKey(id)) {
      return ctx.resync(
        `uSNChanged values are per DC: the position was taken on ${ctx.state.server_identity.split('|')[0]}, now ${id.dnsHostName} answers (or its ` +
          `database was restored)`,
      );
    }
    // A position that is not a USN (edited, or left by another mode) cannot be resumed from: reload.
    if (!/^\d+$/.test(ctx.state.cookie)) return ctx.resync(`the stored uSNChanged position "${ctx.state.cookie.slice(0, 40)}" is not a number`);
    let since = BigInt(ctx.state.cookie);
    await ctx.status({
      mode: this.mode,
      connected: true,
      message: `${this.note ? `${this.note}: ` : ''}polling uSNChanged on ${id.dnsHostName} every ${ctx.cfg.continuous.pollSeconds} s`,
    });
    const ncRoot = id.defaultNamingContext ?? ctx.cfg.baseDn;
    while (!ctx.signal.aborted) {
      id = await readDcIdentity(ctx.conn);
      const until = id.highestCommittedUSN;
      if (until > since) {
        const cs: ChangeSet = {
          changed: [],
          deleted: [],
          seenAt: ctx.now(),
          state: { mode: this.mode, cookie: until.toString(), server_identity: identityKey(id) },
        };
        for await (const page of usnChanges(ctx.conn, {
          base: ctx.cfg.baseDn,
          filter: TRACKED,
          attributes: ['objectClass'],
          sinceUsn: since,
          untilUsn: until,
        })) {
          for (const e of page) {
            const classes = e.strings('objectClass').map((c) => c.toLowerCase());
            cs.changed.push({ dn: e.dn, kind: classes.includes('group') ? 'group' : classes.includes('user') ? 'user' : undefined });
          }
        }
        for (const d of await deletedSince(ctx.conn, { ncRoot, sinceUsn: since, untilUsn: until })) cs.deleted.push({ id: d.guid, dn: d.dn });
        await ctx.apply(cs);
        since = until;
      }
      await this.waker.wait(ctx.cfg.continuous.pollSeconds * 1000, ctx.signal);
    }
  }
}

/** What the status says about the notifications and the probe beside DirSync. */
function sourceNote(failure: string | undefined, subtree: boolean, every: string): string {
  const probe = `a highestCommittedUSN probe every ${PROBE_MS} ms`;
  if (failure) return `; change notifications unavailable (${failure}): ${probe} applies changed users and groups, DirSync ${every}`;
  const watched = subtree ? '' : ' (deletions only: watching the base DN would cost the DC a scan per write)';
  return `, woken by change notifications${watched} and ${probe}: changed users and groups applied at once, DirSync confirms ${every} and on deletions`;
}
