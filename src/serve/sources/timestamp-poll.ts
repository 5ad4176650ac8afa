import type { SyncStatePatch } from '../../store/sync-state.js';
import type { ChangeSet } from '../../sync/incremental.js';
import { sleep, type ChangeSource, type SourceContext } from '../change-source.js';

/** LDAP GeneralizedTime (RFC 4517 3.3.13) in UTC, second precision: 20261122093000Z. */
function generalizedTime(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:T]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

// Directory and client clocks differ; re-reading a few minutes is harmless (applying is idempotent).
const SKEW_MS = 5 * 60 * 1000;

/**
 * For servers without the syncprov overlay: poll entries whose modifyTimestamp is at or after the
 * newest one seen. Deletions leave no entry to find; the scheduled full sync reconciles them.
 * The search is indexed on modifyTimestamp on a well-configured server, so an idle poll costs
 * the same whatever the directory's size.
 */
export class TimestampPollSource implements ChangeSource {
  readonly mode = 'timestamp';

  async baseline(ctx: { now(): Date }): Promise<SyncStatePatch> {
    return { mode: this.mode, cookie: generalizedTime(new Date(ctx.now().getTime() - SKEW_MS)) };
  }

  async run(ctx: SourceContext): Promise<void> {
    const { cfg, conn } = ctx;
    let since = ctx.state?.cookie ?? generalizedTime(new Date(ctx.now().getTime() - SKEW_MS));
    await ctx.status({
      mode: this.mode,
      connected: true,
      message: `polling modifyTimestamp every ${cfg.continuous.pollSeconds} s; deletions are reconciled by the full sync`,
    });
    while (!ctx.signal.aborted) {
      const filter = `(&(|${cfg.filters.user}${cfg.filters.group})(modifyTimestamp>=${since}))`;
      const cs: ChangeSet = { changed: [], deleted: [], state: { mode: this.mode, cookie: since } };
      let newest = since;
      for await (const page of conn.pages({ base: cfg.baseDn, filter, attributes: ['modifyTimestamp', 'objectClass'] })) {
        for (const e of page) {
          const ts = e.string('modifyTimestamp');
          if (ts && ts > newest) newest = ts;
          cs.changed.push({ dn: e.dn });
        }
      }
      cs.state.cookie = newest;
      cs.seenAt = ctx.now();
      await ctx.apply(cs);
      since = newest;
      await sleep(cfg.continuous.pollSeconds * 1000, ctx.signal);
    }
  }
}
