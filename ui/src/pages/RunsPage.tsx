import { api } from '../api/client';
import type { Directory, Page, RunSummary } from '../api/types';
import { ErrorMessage } from '../components/ErrorMessage';
import { SelectField } from '../components/Field';
import { PageHeader } from '../components/Layout';
import { Pager } from '../components/Pager';
import { RunChart } from '../components/RunChart';
import { RunsTable } from '../components/RunsTable';
import { useAsync } from '../hooks/useAsync';
import { usePolling } from '../hooks/usePolling';
import { setQuery, useLocation } from '../router';

const LIMIT = 50;

/** Run history: a chart of durations and outcomes, filters kept in the URL, and the runs as a table. */
export function RunsPage() {
  const { query } = useLocation();
  const directory = query.get('directory') ?? '';
  const status = query.get('status') ?? '';
  const kind = query.get('kind') ?? '';
  const offset = Number(query.get('offset') ?? 0) || 0;
  const dirs = useAsync((signal) => api.get<{ items: Directory[] }>('/directories', undefined, signal), []);
  const runs = useAsync(
    (signal) => api.get<Page<RunSummary>>('/runs', { directory, status, kind, limit: LIMIT, offset }, signal),
    [directory, status, kind, offset],
  );
  usePolling(runs.reload, 15_000);

  return (
    <>
      <PageHeader title="Runs" />
      <form className="filters" role="search" aria-label="Filter runs" onSubmit={(e) => e.preventDefault()}>
        <SelectField
          label="Directory"
          value={directory}
          onChange={(v) => setQuery({ directory: v, offset: null })}
          options={[{ value: '', label: 'All directories' }, ...(dirs.data?.items ?? []).map((d) => ({ value: d.name, label: d.name }))]}
        />
        <SelectField
          label="Status"
          value={status}
          onChange={(v) => setQuery({ status: v, offset: null })}
          options={[{ value: '', label: 'Any status' }, ...['succeeded', 'failed', 'running', 'interrupted'].map((s) => ({ value: s, label: s }))]}
        />
        <SelectField
          label="Kind"
          value={kind}
          onChange={(v) => setQuery({ kind: v, offset: null })}
          options={[
            { value: '', label: 'Any kind' },
            { value: 'full', label: 'Full sync' },
            { value: 'incremental', label: 'Increment' },
            { value: 'user', label: 'Single user' },
          ]}
        />
      </form>
      <ErrorMessage error={runs.error} />
      {runs.data ? (
        <>
          <RunChart runs={runs.data.items} />
          <RunsTable runs={runs.data.items} caption="Runs, newest first" />
          <Pager total={runs.data.total} limit={LIMIT} offset={offset} onChange={(o) => setQuery({ offset: o || null })} label="Runs" />
        </>
      ) : runs.loading ? (
        <p role="status">Loading runs…</p>
      ) : null}
    </>
  );
}
