import { readDcIdentity, type DcIdentity } from '../../directory/ad/dc-identity.js';
import { DirSyncAccessDenied, dirSyncRounds, type DirSyncChange } from '../../directory/ad/dirsync.js';
import { deletedSince, usnChanges } from '../../directory/ad/usn-poll.js';
import type { DirectoryConnection } from '../../directory/connection.js';
import type { SyncStatePatch } from '../../store/sync-state.js';
import type { ChangeSet } from '../../sync/incremental.js';
import { userAttributes } from '../../sync/mapping.js';
import { sleep, type ChangeSource, type SourceContext } from '../change-source.js';
import { NotificationWaker } from './ad-notify-waker.js';

// Tombstones keep objectClass but lose objectCategory: filter on objectClass only, or deletions are missed.
const TRACKED = '(|(objectClass=user)(objectClass=group))';

function identityKey(id: DcIdentity): string {
  return `${id.dnsHostName}|${id.invocationId}`;
}

/** Wakes the loop early: change notifications call `wake()`; otherwise it waits `ms`. */
export interface Waker {
  wait(ms: number, signal: AbortSignal): Promise<void>;
}

const timerOnly: Waker = { wait: (ms, signal) => sleep(ms, signal) };

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
      return ctx.resync(`the DirSync cookie was issued by ${ctx.state.server_identity.split('|')[0]}, now ${id.dnsHostName} answers (or its database was restored)`);
    }
    let cookie: Buffer | undefined = ctx.state?.cookie ? Buffer.from(ctx.state.cookie, "base64") : undefined;
    if (!cookie) return ctx.resync('no DirSync position stored');
    // Register for notifications before the first read, so no change falls between the two.
    const ncRoot = id.defaultNamingContext ?? ctx.cfg.baseDn;
    const waker = ctx.cfg.continuous.notifications ? await NotificationWaker.start(ctx.cfg, ncRoot, ctx.signal) : undefined;
    await ctx.status({
      mode: this.mode,
      connected: true,
      message: `DirSync on ${id.dnsHostName}${waker ? (waker.failure ? `; change notifications unavailable (${waker.failure}), polling every ${ctx.cfg.continuous.pollSeconds} s` : ', woken by change notifications') : ''}`,
    });
    try {
      await this.#loop(ctx, id, ncRoot, cookie, waker ?? this.waker);
    } finally {
      await waker?.stop();
    }
  }

  async #loop(ctx: SourceContext, id: DcIdentity, ncRoot: string, start: Buffer, waker: Waker): Promise<void> {
    let cookie = start;
    let seenUsn: bigint | undefined;
    while (!ctx.signal.aborted) {
      // An idle cycle is one root DSE read: DirSync's own cost grows with the domain on Samba
      // (6.6 ms at 1,000 users, 22 ms at 5,000), the DC's highestCommittedUSN does not. The USN is
      // read before DirSync, so a change committed in between is seen by the next cycle.
      const usn = await highestCommittedUsn(ctx.conn);
      if (seenUsn !== undefined && usn !== undefined && usn <= seenUsn) {
        await waker.wait(ctx.cfg.continuous.pollSeconds * 1000, ctx.signal);
        continue;
      }
      seenUsn = usn;
      try {
        // DirSync returns an object only when an attribute it was asked for changed: ask for every
        // attribute the mapping reads, or a changed mail never arrives.
        const attributes = [...new Set([...userAttributes(ctx.cfg), ...ctx.cfg.attributes.member, ctx.cfg.attributes.groupName, 'objectClass'])].filter((a) => a !== 'objectGUID');
        for await (const round of dirSyncRounds(ctx.conn, { ncRoot, filter: TRACKED, attributes, cookie })) {
          const cs = toChangeSet(round.changes, () => false);
          await ctx.apply({ ...cs, seenAt: ctx.now(), state: { mode: this.mode, cookie: round.cookie.toString('base64'), server_identity: identityKey(id) } });
          cookie = round.cookie;
        }
      } catch (err) {
        if (err instanceof DirSyncAccessDenied) {
          await ctx.status({ mode: 'usn', connected: true, message: 'the bind account lacks "Replicating Directory Changes": polling uSNChanged instead of DirSync' });
          return ctx.resync('DirSync refused (insufficient rights): switching to uSNChanged polling');
        }
        // An LDAP result (not a lost connection) to a DirSync with our cookie: the DC rejects the
        // cookie (corrupt, or from another database). Only a reload gets a valid one.
        const code = (err as { cause?: { code?: unknown } }).cause?.code;
        if (typeof code === 'number') return ctx.resync(`the DC rejected the DirSync cookie (LDAP result ${code}: ${(err as Error).message})`);
        throw err;
      }
      await waker.wait(ctx.cfg.continuous.pollSeconds * 1000, ctx.signal);
    }
  }
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
      return ctx.resync(`uSNChanged values are per DC: the position was taken on ${ctx.state.server_identity.split('|')[0]}, now ${id.dnsHostName} answers (or its database was restored)`);
    }
    // A position that is not a USN (edited, or left by another mode) cannot be resumed from: reload.
    if (!/^\d+$/.test(ctx.state.cookie)) return ctx.resync(`the stored uSNChanged position "${ctx.state.cookie.slice(0, 40)}" is not a number`);
    let since = BigInt(ctx.state.cookie);
    await ctx.status({ mode: this.mode, connected: true, message: `${this.note ? `${this.note}: ` : ''}polling uSNChanged on ${id.dnsHostName} every ${ctx.cfg.continuous.pollSeconds} s` });
    const ncRoot = id.defaultNamingContext ?? ctx.cfg.baseDn;
    while (!ctx.signal.aborted) {
      id = await readDcIdentity(ctx.conn);
      const until = id.highestCommittedUSN;
      if (until > since) {
        const cs: ChangeSet = { changed: [], deleted: [], seenAt: ctx.now(), state: { mode: this.mode, cookie: until.toString(), server_identity: identityKey(id) } };
        for await (const page of usnChanges(ctx.conn, { base: ctx.cfg.baseDn, filter: TRACKED, attributes: ['objectClass'], sinceUsn: since, untilUsn: until })) {
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
