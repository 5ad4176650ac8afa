import { useState } from 'react';
import { api } from '../api/client';
import type { Directory, Group, GroupDetail, GroupMemberPaths, Page } from '../api/types';
import { ErrorMessage } from '../components/ErrorMessage';
import { SelectField } from '../components/Field';
import { PageHeader } from '../components/Layout';
import { Pager } from '../components/Pager';
import { StatusBadge } from '../components/StatusBadge';
import { formatNumber, formatTime } from '../format';
import { useAsync } from '../hooks/useAsync';
import { useDebounced } from '../hooks/useDebounced';
import { Link, setQuery, useLocation } from '../router';
import { GroupFactorStatusCard } from '../components/GroupFactorStatusCard';

const LIMIT = 50;

/** The groups idsync keeps (each directory's chosen groups), with how many users each holds (issue 10 item 19). */
export function GroupsPage() {
  const { query } = useLocation();
  const [text, setText] = useState(query.get('search') ?? '');
  const search = useDebounced(text.trim(), 300);
  const directory = query.get('directory') ?? '';
  const offset = Number(query.get('offset') ?? 0) || 0;
  const dirs = useAsync((signal) => api.get<{ items: Directory[] }>('/directories', undefined, signal), []);
  const groups = useAsync((signal) => api.get<Page<Group>>('/groups', { search, directory, limit: LIMIT, offset }, signal), [search, directory, offset]);
  return (
    <>
      <PageHeader title="Groups" />
      <p className="subtitle">The groups chosen in each directory, with their members flattened: a user in a nested group is a member too.</p>
      <form className="filters" role="search" aria-label="Find groups" onSubmit={(e) => e.preventDefault()}>
        <div className="field grow">
          <label htmlFor="group-search">Search</label>
          <input
            id="group-search"
            type="search"
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setQuery({ offset: null });
            }}
            placeholder="Group name"
            autoComplete="off"
            spellCheck={false}
          />
        </div>
        <SelectField
          label="Directory"
          value={directory}
          onChange={(v) => setQuery({ directory: v, offset: null })}
          options={[{ value: '', label: 'All directories' }, ...(dirs.data?.items ?? []).map((d) => ({ value: d.name, label: d.name }))]}
        />
      </form>
      <ErrorMessage error={groups.error} />
      {groups.data?.items.length ? (
        <>
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">Groups</caption>
              <thead>
                <tr>
                  <th scope="col">Group</th>
                  <th scope="col">Directory</th>
                  <th scope="col">Members</th>
                  <th scope="col">Changed</th>
                </tr>
              </thead>
              <tbody>
                {groups.data.items.map((g) => (
                  <tr key={g.id}>
                    <th scope="row">
                      <Link to={`/groups/${g.id}`}>{g.name}</Link>
                    </th>
                    <td data-label="Directory">{g.directory}</td>
                    <td data-label="Members">{formatNumber(g.memberCount)}</td>
                    <td data-label="Changed">{formatTime(g.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager total={groups.data.total} limit={LIMIT} offset={offset} onChange={(o) => setQuery({ offset: o || null })} label="Groups" />
        </>
      ) : groups.data ? (
        <p className="empty">{search || directory ? 'No group matches.' : 'No groups yet: choose groups in a directory and sync it.'}</p>
      ) : null}
    </>
  );
}

const MEMBERS = 200;

/**
 * One group: its members, and for each the nested path through which they arrive. The store has
 * the members; the paths are read from the directory when the page opens (it may take a moment).
 */
export function GroupDetailPage({ id }: { id: number }) {
  const { query } = useLocation();
  const offset = Number(query.get('offset') ?? 0) || 0;
  const group = useAsync((signal) => api.get<GroupDetail>(`/groups/${id}`, { limit: MEMBERS, offset }, signal), [id, offset]);
  const paths = useAsync((signal) => api.get<GroupMemberPaths>(`/groups/${id}/paths`, undefined, signal), [id]);
  const byUser = new Map((paths.data?.paths ?? []).map((p) => [p.username, p.path]));
  const g = group.data;
  const pathText = (username: string) => {
    if (paths.loading && !paths.data) return 'reading the directory…';
    const p = byUser.get(username);
    if (!p) return '—';
    if (p.length <= 1) return 'direct member';
    return p.join(' → ');
  };
  return (
    <>
      <PageHeader title={g ? g.name : `Group ${id}`} back={{ to: '/groups', label: 'Groups' }} />
      <ErrorMessage error={group.error} />
      {g ? (
        <>
          <p className="subtitle">
            {formatNumber(g.totalMembers)} member{g.totalMembers === 1 ? '' : 's'} · from{' '}
            <Link to={`/directories/${encodeURIComponent(g.directory)}`}>{g.directory}</Link> · <span className="mono small">{g.dn}</span>
          </p>
          <GroupFactorStatusCard group={{ kind: 'synced', id }} />
          <ErrorMessage error={paths.error} prefix="The nested paths could not be read from the directory:" />
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">Members of {g.name} and how each arrives</caption>
              <thead>
                <tr>
                  <th scope="col">Member</th>
                  <th scope="col">Status</th>
                  <th scope="col">Arrives through</th>
                </tr>
              </thead>
              <tbody>
                {g.members.map((m) => (
                  <tr key={m.username}>
                    <th scope="row">
                      <Link to={`/users/${encodeURIComponent(m.username)}`}>{m.username}</Link>
                    </th>
                    <td data-label="Status">
                      <StatusBadge status={m.status} />
                    </td>
                    <td data-label="Arrives through">{pathText(m.username)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {g.members.length === 0 ? <p className="empty">No members.</p> : null}
          <Pager total={g.totalMembers} limit={MEMBERS} offset={offset} onChange={(o) => setQuery({ offset: o || null })} label="Members" />
        </>
      ) : null}
    </>
  );
}
