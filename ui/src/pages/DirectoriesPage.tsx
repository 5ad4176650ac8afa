import { api } from '../api/client';
import type { Directory } from '../api/types';
import { DirectoryStatusLine } from '../components/DirectoryStatusLine';
import { ErrorMessage } from '../components/ErrorMessage';
import { PageHeader } from '../components/Layout';
import { useAsync } from '../hooks/useAsync';
import { usePolling } from '../hooks/usePolling';
import { Link } from '../router';
import { useCan } from '../session';

const TYPE_LABEL = { 'active-directory': 'Active Directory', openldap: 'OpenLDAP' } as const;

export function DirectoriesPage() {
  const canEdit = useCan('administrator');
  const dirs = useAsync((signal) => api.get<{ items: Directory[] }>('/directories', undefined, signal), []);
  // Status (connection, last sync) changes on its own under idsync serve.
  usePolling(dirs.reload, 15_000);

  return (
    <>
      <PageHeader title="Directories">
        {canEdit ? (
          <Link to="/directories/new" className="button primary">
            Add directory
          </Link>
        ) : null}
      </PageHeader>
      <ErrorMessage error={dirs.error} />
      {dirs.data && dirs.data.items.length === 0 ? (
        <div className="empty">
          <p>No directory yet. Add your Active Directory domain or OpenLDAP server to start syncing users and groups.</p>
          {canEdit ? (
            <Link to="/directories/new" className="button primary">
              Add directory
            </Link>
          ) : null}
        </div>
      ) : null}
      {dirs.data && dirs.data.items.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Configured directories</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Servers</th>
                <th scope="col">Sync items</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {dirs.data.items.map((d) => (
                <tr key={d.name}>
                  <th scope="row">
                    <Link to={`/directories/${encodeURIComponent(d.name)}`}>{d.name}</Link>
                    {d.managedBy === 'file' ? <span className="muted small"> (configuration file)</span> : null}
                  </th>
                  <td>{TYPE_LABEL[d.type]}</td>
                  <td className="mono small">{d.servers.join(', ')}</td>
                  <td>{d.syncItems.length}</td>
                  <td>
                    <DirectoryStatusLine d={d} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {dirs.loading && !dirs.data ? <p role="status">Loading directories…</p> : null}
    </>
  );
}
