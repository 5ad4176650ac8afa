import type { Directory } from '../api/types';
import { formatDuration, formatRelative } from '../format';
import { StatusBadge } from './StatusBadge';

/** Connection and freshness in one glance: what a list row and the detail header both need. */
export function connectionLabel(d: Directory): { status: string; label: string } {
  const s = d.status;
  if (s.connected) return { status: 'connected', label: 'Connected' };
  if (s.lastError) return { status: 'disconnected', label: 'Error' };
  if (!s.mode || s.mode === 'none') return { status: 'muted', label: 'Not running' };
  if (s.mode === 'full sync only') return { status: 'muted', label: 'Full syncs only' };
  // A mode without a connection and without an error: the change stream is (re)starting.
  return { status: 'running', label: 'Connecting' };
}

export function DirectoryStatusLine({ d }: { d: Directory }) {
  const c = connectionLabel(d);
  const run = d.status.lastRun;
  return (
    <span className="status-line">
      <StatusBadge status={c.status} label={c.label} />
      {run ? (
        <span>
          {' '}
          last sync <StatusBadge status={run.status} /> {formatRelative(run.finishedAt ?? run.startedAt)}
        </span>
      ) : (
        <span className="muted"> never synced</span>
      )}
      {d.status.lagMs !== null ? <span className="muted"> · lag {formatDuration(d.status.lagMs)}</span> : null}
    </span>
  );
}
