import { api } from '../api/client';
import type { PasswordSyncStatus } from '../api/types';
import { useAsync } from '../hooks/useAsync';
import { formatReason, formatTime } from '../format';
import { ErrorMessage } from './ErrorMessage';
import { StatusBadge } from './StatusBadge';

/** Password sync statuses (issue 14) in StatusBadge's tones: the word is shown as it is (Entra's names). */
const TONE: Record<PasswordSyncStatus['status'], string> = {
  Success: 'success',
  Failed: 'failed',
  FilteredByTarget: 'held',
  NoTargetConnection: 'pending',
  SourceConnectorNotPresent: 'skipped',
};

/**
 * A synced user's password sync (issue 14: "Show them in … the user page of the panel"): the
 * status per password source and the attempts of the retention period, from GET
 * /api/v1/password-sync?username=. The API never returns a verifier or a hash, only the scheme
 * and its parameters (`kdf`).
 */
export function PasswordSyncCard({ username }: { username: string }) {
  const rows = useAsync((signal) => api.get<{ items: PasswordSyncStatus[] }>('/password-sync', { username }, signal), [username]);
  const items = rows.data?.items ?? [];
  return (
    <section className="card" aria-labelledby="password-sync-title">
      <h2 id="password-sync-title" className="h3">
        Password sync
      </h2>
      <ErrorMessage error={rows.error} />
      {rows.loading && !rows.data ? <p role="status">Loading…</p> : null}
      {rows.data && !items.length ? <p className="muted">No password source reports this user.</p> : null}
      {items.map((s) => (
        <div key={`${s.directory}:${s.externalId}`}>
          <dl className="summary">
            <dt>Status</dt>
            <dd>
              <StatusBadge status={TONE[s.status]} label={s.status} />
              {s.reason ? ` ${formatReason(s.reason)}` : ''}
            </dd>
            <dt>Source</dt>
            <dd>
              {s.directory}, <span className="mono small">{s.source}</span>
            </dd>
            <dt>Changed</dt>
            <dd>{s.changedAt ? formatTime(s.changedAt) : '—'}</dd>
            <dt>Scheme</dt>
            <dd className="mono small">{s.kdf ?? '—'}</dd>
          </dl>
          {s.attempts?.length ? (
            <div className="table-wrap">
              <table>
                <caption>Last attempts</caption>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Status</th>
                    <th scope="col">Reason</th>
                  </tr>
                </thead>
                <tbody>
                  {s.attempts.slice(0, 20).map((a, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: attempts may share a time; the list is only ever replaced whole.
                    <tr key={`${a.at}-${i}`}>
                      <td>{formatTime(a.at)}</td>
                      <td>
                        <StatusBadge status={TONE[a.status as PasswordSyncStatus['status']] ?? 'muted'} label={a.status} />
                      </td>
                      <td>{a.reason ? formatReason(a.reason) : ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p className="muted small">No attempt in the retention period.</p>
          )}
        </div>
      ))}
    </section>
  );
}
