import type { LiveRun } from '../hooks/useSyncEvents';
import type { ProgressEvent } from '../api/types';
import { countsLine, formatDuration, formatNumber } from '../format';
import { Link } from '../router';
import { StatusBadge } from './StatusBadge';

const PHASES: { phase: ProgressEvent['phase']; label: string }[] = [
  { phase: 'connect', label: 'Connecting' },
  { phase: 'groups', label: 'Reading groups' },
  { phase: 'scopes', label: 'Resolving sync items' },
  { phase: 'users', label: 'Reading and applying users' },
  { phase: 'memberships', label: 'Updating memberships' },
  { phase: 'removals', label: 'Removals and trash' },
  { phase: 'done', label: 'Done' },
];

function describe(e: ProgressEvent): string {
  switch (e.phase) {
    case 'connect':
      return e.server ? `Connecting to ${e.server}` : 'Connecting';
    case 'groups':
      return `Reading groups: ${formatNumber(e.read)} read`;
    case 'scopes':
      return 'Resolving the chosen groups and containers';
    case 'users':
      return `Users: ${formatNumber(e.read)}${e.expected ? ` of ${formatNumber(e.expected)}` : ''} read`;
    case 'memberships':
      return `Memberships: ${formatNumber(e.done)} of ${formatNumber(e.total)}`;
    case 'removals':
      return 'Applying removals and the trash';
    case 'done':
      return 'Finishing';
  }
}

/** A fraction for the bar when the phase knows its total; otherwise the bar is indeterminate. */
function fraction(e: ProgressEvent): number | undefined {
  if (e.phase === 'users' && e.expected) return Math.min(1, e.read / e.expected);
  if (e.phase === 'memberships' && e.total) return Math.min(1, e.done / e.total);
  return undefined;
}

/**
 * A running sync, live: the phases as a checklist, a progress bar with the phase's numbers, and
 * the outcome when it ends. The text is a polite live region, so screen readers hear the phase
 * change without every counter tick being read out (the bar's value is not announced).
 */
export function SyncProgress({ run }: { run: LiveRun }) {
  const idx = PHASES.findIndex((p) => p.phase === run.current.phase);
  const f = fraction(run.current);
  const r = run.finished;
  const failed = r?.status === 'failed';
  const what = run.kind === 'full' ? 'Full sync' : run.kind === 'user' ? 'User sync' : 'Sync';
  // Issue 10 item 6: a failed run was titled "finished" with every phase, "Done" included, ticked.
  const state = (i: number) => (failed ? (i < idx ? 'done' : i === idx ? 'failed' : 'todo') : r || i < idx ? 'done' : i === idx ? 'current' : 'todo');
  return (
    <section className={`progress-card${failed ? ' progress-failed' : ''}`} aria-labelledby="progress-title">
      <h2 id="progress-title" className="h3">
        {failed ? `${what} failed` : r ? `${what} finished` : `${what} running`}
      </h2>
      <ol className="phase-list">
        {PHASES.map((p, i) => (
          <li key={p.phase} data-state={state(i)}>
            {p.label}
            {state(i) === 'failed' ? <span className="visually-hidden"> (failed here)</span> : null}
          </li>
        ))}
      </ol>
      {!r ? (
        <div
          className="bar"
          role="progressbar"
          aria-label="Sync progress"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={f === undefined ? undefined : Math.round(f * 100)}
          aria-valuetext={describe(run.current)}
          data-indeterminate={f === undefined ? 'true' : 'false'}
        >
          <div className="bar-fill" style={{ width: f === undefined ? '30%' : `${Math.round(f * 100)}%` }} />
        </div>
      ) : null}
      <p aria-live="polite" aria-atomic="true" className="progress-text">
        {r ? (
          <>
            <StatusBadge status={r.status} /> in {formatDuration(r.durationMs)}: {countsLine(r.counts)}
            {r.heldForApproval ? (
              <>
                {' '}
                — <strong>{formatNumber(r.heldForApproval.count)} removal(s) held for approval</strong> ({r.heldForApproval.threshold}).{' '}
                <Link to="/approvals">Review them</Link>
              </>
            ) : null}
            {r.error ? (
              <span className="error-inline">
                {' '}
                {r.error.message} [{r.error.code}]
              </span>
            ) : null}
            {r.runId ? (
              <>
                {' '}
                <Link to={`/runs/${r.runId}`}>Run {r.runId} details</Link>
              </>
            ) : null}
          </>
        ) : (
          // Only the phase is in the live text; the numbers change too often to be read aloud.
          <span>{PHASES[idx]?.label ?? 'Working'}…</span>
        )}
      </p>
      {!r ? (
        <p className="small muted" aria-hidden="true">
          {describe(run.current)}
        </p>
      ) : null}
    </section>
  );
}
