import { api } from '../api/client';
import type { NodesView } from '../api/types';
import { ErrorMessage } from '../components/ErrorMessage';
import { PageHeader } from '../components/Layout';
import { StatusBadge } from '../components/StatusBadge';
import { formatTime } from '../format';
import { usePolling } from '../hooks/usePolling';
import { useAsync } from '../hooks/useAsync';

/**
 * The `idsync serve` nodes sharing the store (issue 16): each alive or gone, its version (two
 * differ during a rolling upgrade), its heartbeat and the directories whose lease it holds; below,
 * the directories no node holds right now (during a takeover, for a few seconds).
 */
export function NodesPage() {
  const view = useAsync((signal) => api.get<NodesView>('/nodes', undefined, signal), []);
  usePolling(view.reload, 5000);
  const free = view.data?.leases.filter((l) => !l.held).map((l) => l.directory) ?? [];
  const versions = new Set(view.data?.nodes.filter((n) => n.alive).map((n) => n.version));
  return (
    <>
      <PageHeader title="Nodes" />
      <ErrorMessage error={view.error} />
      {view.data ? (
        view.data.nodes.length ? (
          <>
            {versions.size > 1 ? (
              <p className="hint" role="status">
                The nodes run different versions ({[...versions].join(', ')}): a rolling upgrade is under way.
              </p>
            ) : null}
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">idsync serve nodes</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">State</th>
                    <th scope="col">Directories</th>
                    <th scope="col">Version</th>
                    <th scope="col">Host</th>
                    <th scope="col">Started</th>
                    <th scope="col">Last heartbeat</th>
                  </tr>
                </thead>
                <tbody>
                  {view.data.nodes.map((n) => (
                    <tr key={n.id}>
                      <th scope="row">
                        {n.name}
                        {n.name === view.data?.self ? <span className="small muted"> (this one)</span> : null}
                      </th>
                      <td>
                        <StatusBadge status={n.alive ? 'active' : 'failed'} label={n.alive ? 'alive' : 'gone'} />
                      </td>
                      <td>{n.directories.join(', ') || '—'}</td>
                      <td>{n.version}</td>
                      <td>
                        {n.host} <span className="small muted">pid {n.pid}</span>
                      </td>
                      <td>{formatTime(n.startedAt)}</td>
                      <td>{formatTime(n.heartbeatAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {free.length ? <p className="hint">Not held by any node now: {free.join(', ')}. A live node takes each within seconds.</p> : null}
          </>
        ) : (
          <p className="empty">No node has run on this store yet.</p>
        )
      ) : null}
    </>
  );
}
