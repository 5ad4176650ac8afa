import type { AlertsConfig } from '../config/load.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/db.js';

/**
 * Alerts for administrators (issue 15): "removals are held for approval; a sync fails, or a
 * directory stays unreachable longer than a configurable time; an SMTP delivery keeps failing.
 * Each alert goes once per event, with a link to the panel page that resolves it. Configure it per
 * event type."
 *
 * An alert is rows in the mail outbox: one email per recipient and one webhook call, each with a
 * dedupe key made of the event's own key (the run, the directory and when it went down, the
 * message), so raising the same event twice (two serves, a restart, a retried hook) queues nothing
 * the second time. The outbox's retries and states then apply to alerts as to any email.
 */
export type AlertType = 'removalsHeld' | 'syncFailed' | 'directoryUnreachable' | 'mailFailing';

export interface Alert {
  type: AlertType;
  /** What makes this event this one: `run:42`, `corp:2026-12-01T10:00:00.000Z`, `mail:17`. */
  key: string;
  title: string;
  /** A few lines for the email's body, before the link. */
  text: string;
  /** The panel page that resolves it, from the panel's root (`/approvals`, `/runs/42`). */
  panelPath: string;
  /** More for the webhook's JSON (the directory, the run, the error code). */
  details: Record<string, unknown>;
}

export interface AlertContext {
  store: Store;
  alerts?: AlertsConfig;
  publicUrl?: string;
  log?: Logger;
}

/** The webhook's JSON, one shape for every event (docs/enrollment.md, "Alerts"). */
export function alertPayload(a: Alert, link: string | null, at: Date): string {
  return JSON.stringify({ type: a.type, key: `${a.type}:${a.key}`, title: a.title, text: a.text, link, at: at.toISOString(), details: a.details });
}

/** Queues the alert on the channels its type has; returns how many rows were new. */
export async function raiseAlert(ctx: AlertContext, a: Alert, now: Date): Promise<number> {
  const cfg = ctx.alerts;
  if (!cfg) return 0;
  const channels = cfg[a.type];
  const link = ctx.publicUrl ? `${ctx.publicUrl.replace(/\/+$/, '')}${a.panelPath}` : null;
  let queued = 0;
  if (channels.email) {
    const text = `${a.text}\n\n${link ? `Resolve it in the idsync panel: ${link}` : `Resolve it in the idsync panel (${a.panelPath}).`}\n`;
    for (const to of cfg.to) {
      const id = await ctx.store.mailOutbox.enqueue(
        {
          kind: 'alert',
          channel: 'email',
          event: a.type,
          recipient: to,
          subject: `[idsync] ${a.title}`,
          text,
          dedupeKey: `alert:${a.type}:${a.key}:email:${to}`,
        },
        now,
      );
      if (id !== undefined) queued++;
    }
  }
  if (channels.webhook && cfg.webhook) {
    const id = await ctx.store.mailOutbox.enqueue(
      {
        kind: 'alert',
        channel: 'webhook',
        event: a.type,
        recipient: cfg.webhook.url,
        subject: a.title,
        text: alertPayload(a, link, now),
        dedupeKey: `alert:${a.type}:${a.key}:webhook`,
      },
      now,
    );
    if (id !== undefined) queued++;
  }
  if (queued) ctx.log?.info({ alert: a.type, key: a.key, queued }, 'alert raised');
  return queued;
}

/** After a run: a failure, or removals held for approval. */
export function runAlerts(r: {
  directory: string;
  runId?: number;
  kind: string;
  status: 'succeeded' | 'failed';
  dryRun: boolean;
  error?: { code: string; message: string };
  heldForApproval?: { runId?: number; count: number; threshold: string };
}): Alert[] {
  if (r.dryRun) return [];
  const out: Alert[] = [];
  const runKey = r.runId !== undefined ? `run:${r.runId}` : `${r.directory}:${r.kind}`;
  if (r.status === 'failed') {
    out.push({
      type: 'syncFailed',
      key: runKey,
      title: `sync of ${r.directory} failed`,
      text:
        `The ${r.kind} sync of directory ${r.directory}${r.runId !== undefined ? ` (run ${r.runId})` : ''} failed: ` +
        `${r.error?.code ?? 'error'}: ${r.error?.message ?? ''}`,
      panelPath: r.runId !== undefined ? `/runs/${r.runId}` : `/directories/${encodeURIComponent(r.directory)}`,
      details: { directory: r.directory, runId: r.runId ?? null, runKind: r.kind, code: r.error?.code ?? null, message: r.error?.message ?? null },
    });
  }
  const held = r.heldForApproval;
  if (held && held.count > 0) {
    const runId = held.runId ?? r.runId;
    out.push({
      type: 'removalsHeld',
      key: runId !== undefined ? `run:${runId}` : runKey,
      title: `${held.count} removal${held.count === 1 ? '' : 's'} in ${r.directory} held for approval`,
      text:
        `A sync of directory ${r.directory} would remove ${held.count} user${held.count === 1 ? '' : 's'} (${held.threshold}). ` +
        'They stay active until an administrator approves or rejects the removals.',
      panelPath: '/approvals',
      details: { directory: r.directory, runId: runId ?? null, count: held.count, threshold: held.threshold },
    });
  }
  return out;
}

/** An email or webhook call that keeps failing (the `mailFailing` event). */
export function mailFailingAlert(row: { id: number; kind: string; channel: string; recipient: string; attempts: number; last_error: string | null }): Alert {
  const what = row.channel === 'webhook' ? 'alert webhook call' : `${row.kind} email to ${row.recipient}`;
  return {
    type: 'mailFailing',
    key: `mail:${row.id}`,
    title: `${what} keeps failing`,
    text: `The ${what} (message ${row.id}) failed ${row.attempts} times; idsync keeps trying. Last error: ${row.last_error ?? 'unknown'}`,
    panelPath: '/mail',
    details: { messageId: row.id, kind: row.kind, channel: row.channel, attempts: row.attempts, error: row.last_error },
  };
}

/** A directory unreachable since `since`, for longer than its threshold. */
export function unreachableAlert(directory: string, since: Date, message: string | null): Alert {
  return {
    type: 'directoryUnreachable',
    key: `${directory}:${since.toISOString()}`,
    title: `directory ${directory} unreachable`,
    text: `idsync has not reached directory ${directory} since ${since.toISOString()}${message ? `: ${message}` : ''}.`,
    panelPath: `/directories/${encodeURIComponent(directory)}`,
    details: { directory, since: since.toISOString(), message },
  };
}
