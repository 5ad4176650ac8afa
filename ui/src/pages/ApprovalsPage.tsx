import { useState } from 'react';
import { api } from '../api/client';
import type { Approval, AuditEntry, Page } from '../api/types';
import { useAnnounce } from '../components/Announcer';
import { useConfirm } from '../components/ConfirmDialog';
import { ErrorMessage } from '../components/ErrorMessage';
import { Checkbox } from '../components/Field';
import { PageHeader } from '../components/Layout';
import { StatusBadge } from '../components/StatusBadge';
import { formatReason, formatTime, plural } from '../format';
import { useAction } from '../hooks/useAction';
import { useAsync } from '../hooks/useAsync';
import { usePolling } from '../hooks/usePolling';
import { useSyncEvents } from '../hooks/useSyncEvents';
import { Link } from '../router';
import { useCan } from '../session';

function counts(a: Approval) {
  const trash = a.users.filter((u) => u.action === 'trash').length;
  return { trash, disable: a.users.length - trash };
}

/** "approved by alice on …": who decided, when the audit log knows (the API records it there). */
function decidedText(a: Approval, by: Map<number, string> | undefined): string {
  const when = formatTime(a.decidedAt);
  if (a.status === 'superseded') return `superseded by a later run on ${when}`;
  const verb = a.status === 'rejected' ? 'rejected' : a.status === 'approved' ? 'approved' : 'decided';
  const who = by?.get(a.runId);
  return `${verb}${who ? ` by ${who}` : by ? ' on the command line' : ''} on ${when}`;
}

/** What approving does, in the words the dialog and the card both use. */
function approveText(a: Approval): string {
  const c = counts(a);
  const parts = [c.trash ? `${plural(c.trash, 'user')} disabled and moved to the trash` : '', c.disable ? `${plural(c.disable, 'user')} disabled` : ''].filter(
    Boolean,
  );
  return `${parts.join(' and ')} now. Users who came back in scope since run #${a.runId} are skipped.`;
}

/**
 * Removals the safeguard held: a run would have removed more users than the directory's limits
 * allow, so it applied everything else and waits here. Approve applies the held removals;
 * reject discards them (nobody is removed, and the next full sync plans again).
 */
export function ApprovalsPage() {
  const canDecide = useCan('administrator');
  const confirm = useConfirm();
  const announce = useAnnounce();
  const [all, setAll] = useState(false);
  const list = useAsync((signal) => api.get<{ items: Approval[] }>('/approvals', { all: all ? 'true' : undefined }, signal), [all]);
  // Who decided: the audit log records every decision made through the API (the approval itself
  // stores only when). Decisions from the command line have no entry there.
  const decisions = useAsync(
    async (signal) => {
      const load = (action: string) => api.get<Page<AuditEntry>>('/audit', { action, outcome: 'success', limit: 500 }, signal);
      const [a, r] = await Promise.all([load('approveRemovals'), load('rejectRemovals')]);
      const by = new Map<number, string>();
      for (const e of [...a.items, ...r.items]) {
        const id = Number(/runId=(\d+)/.exec(e.target ?? '')?.[1]);
        if (id && !by.has(id)) by.set(id, e.actor ?? 'unknown');
      }
      return by;
    },
    [all, list.data],
  );
  // Held removals appear and are decided elsewhere (a sync, another admin): the list follows by
  // itself, every 10 s and whenever a sync ends.
  const reload = list.reload;
  usePolling(reload, 10_000);
  useSyncEvents(undefined, reload);

  const decide = useAction(async (a: Approval, decision: 'approve' | 'reject') => {
    const ok = await confirm(
      decision === 'approve'
        ? {
            title: `Approve ${plural(a.count, 'removal')} from ${a.directory}?`,
            body: (
              <>
                <p>{approveText(a)}</p>
                <p>Users in the trash are deleted after the directory's trash period unless they come back in scope.</p>
              </>
            ),
            confirmLabel: `Approve and remove ${plural(a.count, 'user')}`,
            danger: true,
          }
        : {
            title: `Reject the held removals of run #${a.runId}?`,
            body: (
              <p>
                Nobody is removed now: the {plural(a.count, 'user')} stay as they are. The next full sync of {a.directory} plans the removals again, and holds
                them again if they are still over the limit.
              </p>
            ),
            confirmLabel: 'Reject removals',
          },
    );
    if (!ok) return;
    const r = await api.post<{ applied: number; skipped: number }>(`/approvals/${a.runId}/${decision}`);
    announce(decision === 'approve' ? `Approved: ${plural(r.applied, 'removal')} applied${r.skipped ? `, ${r.skipped} skipped` : ''}` : 'Removals rejected');
    list.reload();
  });

  return (
    <>
      <PageHeader title="Approvals" />
      <p className="subtitle">
        When a sync would remove more users than a directory's safeguard allows, it applies everything else and holds the removals here.
      </p>
      <Checkbox label="Show decided approvals too" checked={all} onChange={setAll} />
      <ErrorMessage error={list.error} />
      <ErrorMessage error={decide.error} prefix="Not decided:" />
      {list.data && list.data.items.length === 0 ? <p className="empty">{all ? 'No removals have ever been held.' : 'Nothing waits for approval.'}</p> : null}
      {list.data?.items.map((a) => (
        <section key={a.runId} className="card approval" aria-labelledby={`appr-${a.runId}`}>
          <div className="card-header">
            <h2 id={`appr-${a.runId}`} className="h3">
              {plural(a.count, 'removal')} held from {a.directory} <StatusBadge status={a.status} />
            </h2>
            {canDecide && a.status === 'pending' ? (
              <div className="row-actions">
                <button type="button" className="danger" onClick={() => void decide.run(a, 'approve')} disabled={decide.busy}>
                  Approve removals
                </button>
                <button type="button" onClick={() => void decide.run(a, 'reject')} disabled={decide.busy}>
                  Reject
                </button>
              </div>
            ) : null}
          </div>
          <p className="small">
            Held by <Link to={`/runs/${a.runId}?outcome=held`}>run #{a.runId}</Link> on {formatTime(a.createdAt)}
            {a.threshold ? `, over the limit of ${a.threshold}` : ''}
            {a.decidedAt ? `; ${decidedText(a, decisions.data)}` : ''}.{a.status === 'pending' ? ` Approving: ${approveText(a)}` : ''}
          </p>
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">Users whose removal is held</caption>
              <thead>
                <tr>
                  <th scope="col">User</th>
                  <th scope="col">Would be</th>
                  <th scope="col">Why</th>
                </tr>
              </thead>
              <tbody>
                {a.users.map((u) => (
                  <tr key={u.username}>
                    <th scope="row">
                      <Link to={`/users/${encodeURIComponent(u.username)}`}>{u.username}</Link>
                    </th>
                    <td>{u.action === 'trash' ? 'disabled and moved to the trash' : 'disabled'}</td>
                    <td className="small">{formatReason(u.reason)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </>
  );
}
