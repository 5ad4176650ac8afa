import { contentSync, type SyncEvent } from '../../directory/stream/content-sync.js';
import { LdapStream } from '../../directory/stream/ldap-stream.js';
import type { DirectoryConfig } from '../../config/load.js';
import type { DirectoryConnection } from '../../directory/connection.js';
import type { SyncStatePatch } from '../../store/sync-state.js';
import type { ChangeSet } from '../../sync/incremental.js';
import { sleep, type ChangeSource, type SourceContext } from '../change-source.js';
import { TimestampPollSource } from './timestamp-poll.js';

function tracked(cfg: DirectoryConfig): string {
  return `(|${cfg.filters.user}${cfg.filters.group})`;
}

function resultCode(err: unknown): number | undefined {
  const cause = (err as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === 'number' ? cause.code : undefined;
}

/** unavailableCriticalExtension (RFC 4511 4.1.9): the server has no syncprov overlay. */
function unsupported(err: unknown): boolean {
  return resultCode(err) === 12;
}

/**
 * OpenLDAP through RFC 4533 Content Sync. In refreshAndPersist mode the server pushes each change
 * as it commits, which is how a slapd consumer replicates in milliseconds; in refreshOnly mode the
 * same search is repeated every `pollSeconds`. Entries are requested without attributes (the
 * applier re-reads what it needs); a present phase, whose deletions are implicit, and
 * e-syncRefreshRequired lead to a reload. A server without syncprov: modifyTimestamp polling.
 */
export class ContentSyncSource implements ChangeSource {
  readonly mode: 'content-sync' | 'content-sync-poll';

  constructor(
    private readonly persist: boolean,
    private readonly fallback = new TimestampPollSource(),
  ) {
    this.mode = persist ? 'content-sync' : 'content-sync-poll';
  }

  async baseline(ctx: { cfg: DirectoryConfig; conn: DirectoryConnection; now(): Date }): Promise<SyncStatePatch> {
    const stream = await LdapStream.openFirst(ctx.cfg);
    try {
      let cookie: Buffer | undefined;
      for await (const ev of contentSync(stream, { base: ctx.cfg.baseDn, filter: tracked(ctx.cfg), attributes: ['1.1'], mode: 'refreshOnly' })) {
        if ('cookie' in ev && ev.cookie) cookie = ev.cookie;
      }
      return { mode: this.mode, cookie: cookie?.toString('base64') ?? null, server_identity: stream.server.url };
    } catch (err) {
      if (unsupported(err)) return this.fallback.baseline(ctx);
      throw err;
    } finally {
      await stream.close();
    }
  }

  async run(ctx: SourceContext): Promise<void> {
    if (ctx.state?.mode === 'timestamp') return this.fallback.run(ctx);
    if (!ctx.state?.cookie) return ctx.resync('no Content Sync cookie stored');
    let cookie: Buffer = Buffer.from(ctx.state.cookie, 'base64');
    while (!ctx.signal.aborted) {
      const stream = await LdapStream.openFirst(ctx.cfg);
      const onAbort = () => void stream.close();
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      try {
        await ctx.status({
          mode: this.mode,
          connected: true,
          message: this.persist
            ? `changes pushed by ${stream.server.url} (RFC 4533 refreshAndPersist)`
            : `RFC 4533 refreshOnly every ${ctx.cfg.continuous.pollSeconds} s`,
        });
        cookie = await this.#session(ctx, stream, cookie);
      } finally {
        ctx.signal.removeEventListener('abort', onAbort);
        await stream.close();
      }
      if (this.persist) return; // the persist stream ended: the worker reconnects with backoff
      await sleep(ctx.cfg.continuous.pollSeconds * 1000, ctx.signal);
    }
  }

  /** One sync search: the refresh stage in one change set, then (persist) each change as it arrives. */
  async #session(ctx: SourceContext, stream: LdapStream, start: Buffer): Promise<Buffer> {
    let cookie: Buffer = start;
    let refreshing = true;
    let presentPhase = false;
    let batch: ChangeSet = { changed: [], deleted: [], state: { mode: this.mode, cookie: cookie.toString('base64'), server_identity: stream.server.url } };
    const flush = async () => {
      batch.state.cookie = cookie.toString('base64');
      batch.seenAt ??= ctx.now();
      await ctx.apply(batch);
      batch = { changed: [], deleted: [], state: { mode: this.mode, cookie: cookie.toString('base64'), server_identity: stream.server.url } };
    };
    const endRefresh = async () => {
      refreshing = false;
      if (presentPhase) return ctx.resync('the server answered with a present phase (its session log does not reach back to our cookie)');
      await flush();
    };
    try {
      for await (const ev of contentSync(stream, {
        base: ctx.cfg.baseDn,
        filter: tracked(ctx.cfg),
        attributes: ['1.1'],
        mode: this.persist ? 'refreshAndPersist' : 'refreshOnly',
        cookie,
      })) {
        if (ctx.signal.aborted) break;
        const evCookie = (ev as Extract<SyncEvent, { cookie?: Buffer }>).cookie;
        if (evCookie) cookie = evCookie;
        switch (ev.type) {
          case 'entry':
            if (ev.state === 'present') presentPhase = true;
            else batch.changed.push({ dn: ev.dn, id: ev.uuid });
            batch.seenAt ??= ctx.now();
            break;
          case 'delete':
            batch.deleted.push({ id: ev.uuid, dn: ev.dn });
            batch.seenAt ??= ctx.now();
            break;
          case 'present':
            presentPhase = true;
            break;
          case 'phaseEnd':
            if (ev.phase === 'present') presentPhase = true;
            break;
          case 'refreshDone':
            if (ev.phase === 'present') presentPhase = true;
            await endRefresh();
            continue;
          case 'done':
            // refreshOnly: refreshDeletes FALSE means the phase was a present phase (RFC 4533 3.4).
            if (!ev.refreshDeletes) presentPhase = true;
            if (refreshing) await endRefresh();
            continue;
          case 'refreshRequired':
            return ctx.resync(`the server cannot resume from our cookie (e-syncRefreshRequired: ${ev.message})`).then(() => cookie);
          case 'cookie':
            break;
        }
        // In the persist stage every change is applied as it arrives: that is the latency.
        if (!refreshing) await flush();
      }
    } catch (err) {
      if (unsupported(err))
        return ctx.resync('the server does not support Content Sync (no syncprov overlay): switching to modifyTimestamp polling').then(() => cookie);
      // slapd answers a cookie it cannot use (one from its future, after a restore) with 53.
      if (resultCode(err) === 53) return ctx.resync(`the server refused our cookie (${(err as Error).message})`).then(() => cookie);
      throw err;
    }
    return cookie;
  }
}
