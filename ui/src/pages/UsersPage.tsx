import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { Directory, Page, UserSummary } from '../api/types';
import { ErrorMessage } from '../components/ErrorMessage';
import { SelectField } from '../components/Field';
import { PageHeader } from '../components/Layout';
import { Pager } from '../components/Pager';
import { StatusBadge } from '../components/StatusBadge';
import { formatNumber, formatReason } from '../format';
import { download, fetchAll, stamp, toCsv } from '../csv';
import { useAction } from '../hooks/useAction';
import { useAsync } from '../hooks/useAsync';
import { useDebounced } from '../hooks/useDebounced';
import { Link, setQuery, useLocation } from '../router';

const LIMIT = 50;

/**
 * Users in idsync: search (part of the username, email or full name) as you type, filters and
 * paging kept in the URL so a search can be bookmarked or shared with a colleague.
 */
export function UsersPage() {
  const { query } = useLocation();
  const [text, setText] = useState(query.get('search') ?? '');
  const search = useDebounced(text.trim(), 300);
  const status = query.get('status') ?? '';
  const directory = query.get('directory') ?? '';
  const offset = Number(query.get('offset') ?? 0) || 0;

  useEffect(() => {
    if ((query.get('search') ?? '') !== search) setQuery({ search, offset: null });
  }, [search, query]);

  const dirs = useAsync((signal) => api.get<{ items: Directory[] }>('/directories', undefined, signal), []);
  const users = useAsync(
    (signal) => api.get<Page<UserSummary>>('/users', { search, status, directory, limit: LIMIT, offset }, signal),
    [search, status, directory, offset],
  );

  const exportCsv = useAction(async () => {
    const all = await fetchAll<UserSummary>('/users', { search, status, directory });
    const rows = all.map((u) => [
      u.username,
      u.fullName,
      u.email,
      u.status,
      u.heldRemoval ? `${u.heldRemoval.action} held (run ${u.heldRemoval.runId})` : '',
      u.statusReason,
      u.directory ?? 'local',
      u.syncItem,
      u.deleteAfter,
      u.updatedAt,
    ]);
    download(
      `idsync-users-${stamp()}.csv`,
      toCsv(['username', 'fullName', 'email', 'status', 'held', 'statusReason', 'directory', 'syncItem', 'deleteAfter', 'updatedAt'], rows),
    );
  });

  return (
    <>
      <PageHeader title="Users">
        <button type="button" onClick={() => void exportCsv.run()} disabled={exportCsv.busy}>
          {exportCsv.busy ? 'Exporting…' : 'Export CSV'}
        </button>
      </PageHeader>
      <ErrorMessage error={exportCsv.error} prefix="Not exported:" />
      <form className="filters" role="search" aria-label="Find users" onSubmit={(e) => e.preventDefault()}>
        <div className="field grow">
          <label htmlFor="user-search">Search</label>
          <input
            id="user-search"
            type="search"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="Username, email or name"
            autoComplete="off"
            spellCheck={false}
            aria-describedby="user-count"
          />
        </div>
        <SelectField
          label="Status"
          value={status}
          onChange={(v) => setQuery({ status: v, offset: null })}
          options={[
            { value: '', label: 'Any status' },
            { value: 'active', label: 'Active' },
            { value: 'disabled', label: 'Disabled' },
            { value: 'trashed', label: 'In the trash' },
          ]}
        />
        <SelectField
          label="Directory"
          value={directory}
          onChange={(v) => setQuery({ directory: v, offset: null })}
          options={[{ value: '', label: 'All directories' }, ...(dirs.data?.items ?? []).map((d) => ({ value: d.name, label: d.name }))]}
        />
      </form>
      <p id="user-count" role="status" aria-live="polite" className="hint">
        {users.loading
          ? 'Searching…'
          : users.data
            ? `${formatNumber(users.data.total)} user${users.data.total === 1 ? '' : 's'}${search ? ` matching "${search}"` : ''}`
            : ''}
      </p>
      <ErrorMessage error={users.error} />
      {users.data && users.data.items.length > 0 ? (
        <>
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">Users</caption>
              <thead>
                <tr>
                  <th scope="col">Username</th>
                  <th scope="col">Name</th>
                  <th scope="col">Email</th>
                  <th scope="col">Status</th>
                  <th scope="col">Directory</th>
                </tr>
              </thead>
              <tbody>
                {users.data.items.map((u) => (
                  <tr key={u.username}>
                    <th scope="row">
                      <Link to={`/users/${encodeURIComponent(u.username)}`}>{u.username}</Link>
                    </th>
                    <td data-label="Name">{u.fullName ?? '—'}</td>
                    <td data-label="Email">{u.email ?? '—'}</td>
                    <td data-label="Status">
                      <StatusBadge status={u.status} />
                      {u.heldRemoval ? (
                        <>
                          {' '}
                          <Link to="/approvals">
                            <StatusBadge status="held" label={`${u.heldRemoval.action === 'trash' ? 'trash' : 'disable'} held`} />
                          </Link>
                        </>
                      ) : null}
                      {u.statusReason ? <div className="small muted">{formatReason(u.statusReason)}</div> : null}
                    </td>
                    <td data-label="Directory">{u.directory ?? <span className="muted">local</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager total={users.data.total} limit={LIMIT} offset={offset} onChange={(o) => setQuery({ offset: o || null })} label="Users" />
        </>
      ) : users.data ? (
        <p className="empty">{search || status || directory ? 'No user matches.' : 'No users yet: add a directory and sync it.'}</p>
      ) : null}
    </>
  );
}
