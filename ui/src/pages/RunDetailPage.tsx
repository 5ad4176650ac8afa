import { api } from '../api/client';
import type { RunObject, RunSummary } from '../api/types';
import { ChangesTable } from '../components/ChangesTable';
import { ErrorMessage } from '../components/ErrorMessage';
import { PageHeader } from '../components/Layout';
import { OutcomeFilter } from '../components/OutcomeFilter';
import { Pager } from '../components/Pager';
import { StatusBadge } from '../components/StatusBadge';
import { countsLine, formatDuration, formatTime } from '../format';
import { useAsync } from '../hooks/useAsync';
import { Link, setQuery, useLocation } from '../router';

const LIMIT = 200;

interface RunDetail {
  run: RunSummary & { attempts?: { url: string; ok: boolean; ms: number; error?: { code: string; message: string } }[] };
  objects: RunObject[];
  totalObjects: number;
  limit: number;
  offset: number;
}

/** One run: what it did overall, where it connected, and every object's outcome with a filter. */
export function RunDetailPage({ id }: { id: number }) {
  const { query } = useLocation();
  const outcome = query.get('outcome') ?? '';
  const offset = Number(query.get('offset') ?? 0) || 0;
  const data = useAsync((signal) => api.get<RunDetail>(`/runs/${id}`, { outcome, limit: LIMIT, offset }, signal), [id, outcome, offset]);
  const r = data.data?.run;

  return (
    <>
      <PageHeader title={`Run #${id}`} back={{ to: '/runs', label: 'Runs' }} />
      <ErrorMessage error={data.error} />
      {r ? (
        <section className="card" aria-label="Run summary">
          <dl className="stats">
            <div>
              <dt>Directory</dt>
              <dd>
                <Link to={`/directories/${encodeURIComponent(r.directory)}`}>{r.directory}</Link>
              </dd>
            </div>
            <div>
              <dt>Kind</dt>
              <dd>{r.kind}</dd>
            </div>
            <div>
              <dt>Status</dt>
              <dd>
                <StatusBadge status={r.status} />
                {r.approval ? <span className="small"> removals {r.approval}</span> : null}
              </dd>
            </div>
            <div>
              <dt>Started</dt>
              <dd>{formatTime(r.startedAt)}</dd>
            </div>
            <div>
              <dt>Duration</dt>
              <dd>{formatDuration(r.durationMs)}</dd>
            </div>
            <div>
              <dt>Server</dt>
              <dd className="mono small">{r.server ?? '—'}</dd>
            </div>
          </dl>
          <p>
            <strong>{countsLine(r.counts)}</strong>
            {r.counts.membersAdded || r.counts.membersRemoved ? `; memberships +${r.counts.membersAdded ?? 0} / −${r.counts.membersRemoved ?? 0}` : ''}
          </p>
          {r.approval === 'pending' ? (
            <p className="warning">
              This run held removals for approval. <Link to="/approvals">Review them</Link>.
            </p>
          ) : null}
          {r.error ? (
            <p className="error">
              [{r.errorCode}] {r.error}
            </p>
          ) : null}
          {r.warnings.map((w) => (
            <p key={w} className="warning">
              {w}
            </p>
          ))}
          {r.attempts?.some((a) => !a.ok) ? (
            <ul className="small">
              {r.attempts.map((a) => (
                <li key={a.url}>
                  {a.ok ? 'used' : 'skipped'} <span className="mono">{a.url}</span> ({a.ms} ms){a.error ? `: ${a.error.message} [${a.error.code}]` : ''}
                </li>
              ))}
            </ul>
          ) : null}
        </section>
      ) : null}
      <section aria-labelledby="objects-title">
        <div className="card-header">
          <h2 id="objects-title" className="h3">
            Objects {data.data ? `(${data.data.totalObjects}${outcome ? ` ${outcome}` : ''})` : ''}
          </h2>
          <OutcomeFilter value={outcome} onChange={(v) => setQuery({ outcome: v, offset: null })} counts={r?.counts} />
        </div>
        {data.data ? (
          <>
            <ChangesTable objects={data.data.objects} caption={`Objects of run ${id}`} />
            <Pager total={data.data.totalObjects} limit={LIMIT} offset={offset} onChange={(o) => setQuery({ offset: o || null })} label="Objects" />
          </>
        ) : data.loading ? (
          <p role="status">Loading…</p>
        ) : null}
      </section>
    </>
  );
}
