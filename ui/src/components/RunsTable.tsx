import type { RunSummary } from '../api/types';
import { countsLine, formatDuration, formatTime } from '../format';
import { Link } from '../router';
import { StatusBadge } from './StatusBadge';

export function RunsTable({ runs, caption, hideDirectory }: { runs: RunSummary[]; caption: string; hideDirectory?: boolean }) {
  if (!runs.length) return <p className="muted">No runs yet.</p>;
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Run</th>
            {hideDirectory ? null : <th scope="col">Directory</th>}
            <th scope="col">Kind</th>
            <th scope="col">Status</th>
            <th scope="col">Started</th>
            <th scope="col">Duration</th>
            <th scope="col">Outcome</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.id}>
              <th scope="row">
                <Link to={`/runs/${r.id}`}>#{r.id}</Link>
              </th>
              {hideDirectory ? null : (
                <td data-label="Directory">
                  <Link to={`/directories/${encodeURIComponent(r.directory)}`}>{r.directory}</Link>
                </td>
              )}
              <td data-label="Kind">{r.kind}</td>
              <td data-label="Status">
                <StatusBadge status={r.status} />
                {r.approval === 'pending' ? (
                  <>
                    {' '}
                    <Link to="/approvals">
                      <StatusBadge status="held" label="removals held" />
                    </Link>
                  </>
                ) : r.approval ? (
                  <span className="small muted"> removals {r.approval}</span>
                ) : null}
              </td>
              <td data-label="Started">{formatTime(r.startedAt)}</td>
              <td data-label="Duration">{formatDuration(r.durationMs)}</td>
              <td data-label="Outcome" className={r.error ? 'error-inline' : undefined}>
                {r.error ? `${r.errorCode ? `[${r.errorCode}] ` : ''}${r.error}` : countsLine(r.counts)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
