import type { Directory } from '../api/types';
import { formatDuration, formatRelative, formatTime } from '../format';
import { Link } from '../router';
import { connectionLabel } from './DirectoryStatusLine';
import { StatusBadge } from './StatusBadge';

/** Connection, mode, last and next sync and lag, as `idsync status` shows them. */
export function DirectoryStatusCard({ d }: { d: Directory }) {
  const s = d.status;
  const c = connectionLabel(d);
  return (
    <section className="card" aria-labelledby="status-title">
      <h2 id="status-title" className="h3">
        Status
      </h2>
      <dl className="stats">
        <div>
          <dt>Connection</dt>
          <dd>
            <StatusBadge status={c.status} label={c.label} />
            {s.server ? <div className="mono small">{s.server}</div> : null}
          </dd>
        </div>
        <div>
          <dt>Mode</dt>
          <dd>{s.mode && s.mode !== 'none' ? s.mode : 'not running'}</dd>
        </div>
        <div>
          <dt>Last sync</dt>
          <dd>
            {s.lastRun ? (
              <>
                <StatusBadge status={s.lastRun.status} />{' '}
                <Link to={`/runs/${s.lastRun.id}`} title={formatTime(s.lastRun.startedAt)}>
                  {formatRelative(s.lastRun.finishedAt ?? s.lastRun.startedAt)}
                </Link>
              </>
            ) : (
              'never'
            )}
          </dd>
        </div>
        <div>
          <dt>Last change applied</dt>
          <dd title={formatTime(s.lastAppliedAt)}>{formatRelative(s.lastAppliedAt)}</dd>
        </div>
        <div>
          <dt>Lag</dt>
          <dd>{s.lagMs === null ? '—' : formatDuration(s.lagMs)}</dd>
        </div>
        <div>
          <dt>Next full sync</dt>
          <dd title={formatTime(s.nextFullSyncAt)}>{s.nextFullSyncAt ? formatRelative(s.nextFullSyncAt) : 'not scheduled'}</dd>
        </div>
      </dl>
      {s.message ? <p className="small">{s.message}</p> : null}
      {s.lastError ? (
        <p className="error" role="note">
          Last error: {s.lastError}
        </p>
      ) : null}
    </section>
  );
}
