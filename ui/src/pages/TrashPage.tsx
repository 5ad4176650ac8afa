import { api, seg } from '../api/client';
import type { Page, TrashedUser } from '../api/types';
import { useAnnounce } from '../components/Announcer';
import { useConfirm } from '../components/ConfirmDialog';
import { ErrorMessage } from '../components/ErrorMessage';
import { PageHeader } from '../components/Layout';
import { Pager } from '../components/Pager';
import { formatReason, formatRelative, formatTime } from '../format';
import { useAction } from '../hooks/useAction';
import { useAsync } from '../hooks/useAsync';
import { Link, setQuery, useLocation } from '../router';
import { useCan } from '../session';

const LIMIT = 50;

/**
 * The trash: users who left scope, disabled, kept until their deletion date. A user of a
 * configured directory comes back by being put back in scope there (the sync restores them with
 * the same identity); only users whose directory is gone can be restored here, as local users.
 */
export function TrashPage() {
  const canAct = useCan('user_manager');
  const confirm = useConfirm();
  const announce = useAnnounce();
  const { query } = useLocation();
  const offset = Number(query.get('offset') ?? 0) || 0;
  const trash = useAsync((signal) => api.get<Page<TrashedUser>>('/trash', { limit: LIMIT, offset }, signal), [offset]);

  const restore = useAction(async (u: TrashedUser) => {
    const ok = await confirm({
      title: `Restore ${u.username}?`,
      body: (
        <p>
          {u.username} becomes an active <strong>local</strong> user:{' '}
          {u.directory ? `directory ${u.directory} is no longer configured, so nothing will sync them again` : 'no directory owns them'}. Their attributes stay
          as they are now.
        </p>
      ),
      confirmLabel: 'Restore as local user',
    });
    if (!ok) return;
    await api.post(`/trash/${seg(u.username)}/restore`);
    announce(`${u.username} restored`);
    trash.reload();
  });

  const remove = useAction(async (u: TrashedUser) => {
    const ok = await confirm({
      title: `Delete ${u.username} permanently?`,
      body: (
        <>
          <p>
            {u.username} is deleted from idsync now, instead of {u.deleteAfter ? `after ${formatTime(u.deleteAfter)}` : 'at the end of the grace period'}. Their
            groups and history links go with them. This cannot be undone.
          </p>
          {u.directory ? <p>If {u.directory} has them in scope again later, the sync creates them anew as a new user.</p> : null}
        </>
      ),
      confirmLabel: 'Delete permanently',
      danger: true,
      typeToConfirm: u.username,
    });
    if (!ok) return;
    await api.del(`/trash/${seg(u.username)}`);
    announce(`${u.username} deleted permanently`);
    trash.reload();
  });

  return (
    <>
      <PageHeader title="Trash" />
      <p className="subtitle">
        Users who left scope are disabled and kept here until their deletion date. If they come back in scope before it, the next sync restores them with the
        same identity.
      </p>
      <ErrorMessage error={trash.error} />
      <ErrorMessage error={restore.error} prefix="Not restored:" />
      <ErrorMessage error={remove.error} prefix="Not deleted:" />
      {trash.data?.items.length ? (
        <>
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">Users in the trash, soonest deletion first</caption>
              <thead>
                <tr>
                  <th scope="col">Username</th>
                  <th scope="col">Directory</th>
                  <th scope="col">Why</th>
                  <th scope="col">In the trash since</th>
                  <th scope="col">Deleted</th>
                  {canAct ? <th scope="col">Actions</th> : null}
                </tr>
              </thead>
              <tbody>
                {trash.data.items.map((u) => (
                  <tr key={u.username}>
                    <th scope="row">
                      <Link to={`/users/${encodeURIComponent(u.username)}`}>{u.username}</Link>
                    </th>
                    <td data-label="Directory">{u.directory ?? '—'}</td>
                    <td data-label="Why" className="small">
                      {formatReason(u.statusReason) || '—'}
                    </td>
                    <td data-label="In the trash since">{formatTime(u.trashedAt)}</td>
                    <td data-label="Deleted" title={formatTime(u.deleteAfter)}>
                      {u.deleteAfter ? formatRelative(u.deleteAfter) : '—'}
                    </td>
                    {canAct ? (
                      <td className="row-actions">
                        {u.restorable ? (
                          <button type="button" className="small" onClick={() => void restore.run(u)} disabled={restore.busy}>
                            Restore
                          </button>
                        ) : (
                          <span className="small muted">Comes back if back in scope of {u.directory}</span>
                        )}
                        <button
                          type="button"
                          className="small danger"
                          onClick={() => void remove.run(u)}
                          disabled={remove.busy}
                          aria-label={`Delete ${u.username} permanently`}
                        >
                          Delete permanently
                        </button>
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager total={trash.data.total} limit={LIMIT} offset={offset} onChange={(o) => setQuery({ offset: o || null })} label="Trash" />
        </>
      ) : trash.data ? (
        <p className="empty">The trash is empty.</p>
      ) : null}
    </>
  );
}
