import { useState } from 'react';
import { api } from '../api/client';
import type { AuditEntry, Page } from '../api/types';
import { ErrorMessage } from '../components/ErrorMessage';
import { SelectField, TextField } from '../components/Field';
import { PageHeader } from '../components/Layout';
import { Pager } from '../components/Pager';
import { StatusBadge } from '../components/StatusBadge';
import { AUDIT_ACTIONS, auditAction, auditTarget } from '../audit-labels';
import { formatTime } from '../format';
import { download, fetchAll, stamp, toCsv } from '../csv';
import { useAction } from '../hooks/useAction';
import { useAsync } from '../hooks/useAsync';
import { useDebounced } from '../hooks/useDebounced';
import { setQuery, useLocation } from '../router';

const LIMIT = 100;

/** Who did what, when and from where. Read-only, like the log itself. */
export function AuditPage() {
  const { query } = useLocation();
  const [actorText, setActorText] = useState(query.get('actor') ?? '');
  const actor = useDebounced(actorText.trim(), 400);
  const action = query.get('action') ?? '';
  const outcome = query.get('outcome') ?? '';
  const offset = Number(query.get('offset') ?? 0) || 0;
  const log = useAsync(
    (signal) => api.get<Page<AuditEntry>>('/audit', { actor, action, outcome, limit: LIMIT, offset }, signal),
    [actor, action, outcome, offset],
  );

  const exportCsv = useAction(async () => {
    const all = await fetchAll<AuditEntry>('/audit', { actor, action, outcome });
    const rows = all.map((e) => [
      e.at,
      e.actor,
      e.actorType,
      auditAction(e.action),
      e.action,
      e.method,
      e.path,
      e.target,
      e.detail,
      e.status,
      e.outcome,
      e.ip,
      e.userAgent,
    ]);
    download(
      `idsync-audit-${stamp()}.csv`,
      toCsv(['at', 'actor', 'actorType', 'what', 'action', 'method', 'path', 'target', 'detail', 'status', 'outcome', 'ip', 'userAgent'], rows),
    );
  });

  return (
    <>
      <PageHeader title="Audit log">
        <button type="button" onClick={() => void exportCsv.run()} disabled={exportCsv.busy}>
          {exportCsv.busy ? 'Exporting…' : 'Export CSV'}
        </button>
      </PageHeader>
      <ErrorMessage error={exportCsv.error} prefix="Not exported:" />
      <form className="filters" role="search" aria-label="Filter the audit log" onSubmit={(e) => e.preventDefault()}>
        <TextField
          label="Actor"
          value={actorText}
          onChange={(v) => {
            setActorText(v);
            setQuery({ offset: null });
          }}
          placeholder="admin or token name"
          autoComplete="off"
        />
        <SelectField
          label="Action"
          value={action}
          onChange={(v) => setQuery({ action: v, offset: null })}
          options={[{ value: '', label: 'Any action' }, ...AUDIT_ACTIONS.map(([value, label]) => ({ value, label }))]}
        />
        <SelectField
          label="Outcome"
          value={outcome}
          onChange={(v) => setQuery({ outcome: v, offset: null })}
          options={[
            { value: '', label: 'Any outcome' },
            { value: 'success', label: 'Success' },
            { value: 'failure', label: 'Failure' },
          ]}
        />
      </form>
      <ErrorMessage error={log.error} />
      {log.data ? (
        <>
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">Audit log, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Who</th>
                  <th scope="col">Action</th>
                  <th scope="col">Target</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">From</th>
                </tr>
              </thead>
              <tbody>
                {log.data.items.map((e) => (
                  <tr key={e.id}>
                    <td data-label="When">{formatTime(e.at)}</td>
                    <td data-label="Who">
                      {e.actor ?? '—'}{' '}
                      {e.actorType !== 'admin' ? (
                        <span className="small muted">
                          ({e.actorType === 'cli' ? 'command line' : e.actorType === 'token' ? 'API token' : 'not logged in'})
                        </span>
                      ) : null}
                    </td>
                    {/* Words first; the operation id and the request stay one hover away for an investigation. */}
                    <th scope="row" title={`${e.action}: ${e.method} ${e.path}`}>
                      <span className="audit-action">{auditAction(e.action)}</span>
                    </th>
                    <td data-label="Target" className="small">
                      {auditTarget(e)}
                    </td>
                    <td data-label="Outcome">
                      <StatusBadge status={e.outcome} label={`${e.outcome} (${e.status})`} />
                    </td>
                    <td data-label="From" className="mono small">
                      {e.ip ?? '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {log.data.items.length === 0 ? <p className="empty">No entries match.</p> : null}
          <Pager total={log.data.total} limit={LIMIT} offset={offset} onChange={(o) => setQuery({ offset: o || null })} label="Audit log" />
        </>
      ) : null}
    </>
  );
}
