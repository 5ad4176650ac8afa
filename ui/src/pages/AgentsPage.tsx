import { useRef, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { Agent } from '../api/types';
import { useAnnounce } from '../components/Announcer';
import { useConfirm } from '../components/ConfirmDialog';
import { ErrorMessage } from '../components/ErrorMessage';
import { TextField } from '../components/Field';
import { PageHeader } from '../components/Layout';
import { StatusBadge } from '../components/StatusBadge';
import { formatTime } from '../format';
import { useAction } from '../hooks/useAction';
import { usePolling } from '../hooks/usePolling';
import { useAsync } from '../hooks/useAsync';
import { useCan } from '../session';

/** What the agent's row says about its channel and its role (issue 13: several agents per site, one primary). */
function channel(a: Agent): { status: string; label: string } {
  if (a.state === 'revoked') return { status: 'muted', label: 'revoked' };
  if (a.state !== 'enrolled') return { status: 'muted', label: a.state === 'waiting' ? 'waiting for enrolment' : 'connect key expired' };
  if (!a.connection) return { status: 'failed', label: 'not connected' };
  return a.connection.primaryFor.length ? { status: 'active', label: 'primary' } : { status: 'pending', label: 'standby' };
}

/**
 * On-premises agents (issue 13): each with its channel (connected or not, version, address, last
 * heartbeat, round trip, directories, primary or standby), created by administrators with a
 * one-time connect key shown once, and revoked (the channel is closed at once).
 */
export function AgentsPage() {
  const isAdmin = useCan('administrator');
  const confirm = useConfirm();
  const announce = useAnnounce();
  const agents = useAsync((signal) => api.get<{ items: Agent[] }>('/agents', undefined, signal), []);
  usePolling(agents.reload, 5000);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<{ name: string; connectKey: string }>();
  const keyRef = useRef<HTMLInputElement>(null);

  const create = useAction(async (e: FormEvent) => {
    e.preventDefault();
    const a = await api.post<Agent & { connectKey: string }>('/agents', { name });
    setCreated({ name: a.name, connectKey: a.connectKey });
    setName('');
    agents.reload();
  });

  const revoke = useAction(async (a: Agent) => {
    const ok = await confirm({
      title: `Revoke agent "${a.name}"?`,
      body: <p>Its channel is closed now and its credentials stop working. Directories it is the primary for move to a standby agent, if they have one.</p>,
      confirmLabel: 'Revoke agent',
      danger: true,
    });
    if (!ok) return;
    await api.del(`/agents/${encodeURIComponent(a.name)}`);
    announce(`Agent ${a.name} revoked`);
    agents.reload();
  });

  return (
    <>
      <PageHeader title="Agents" />
      {created ? (
        <section className="card token-reveal" aria-labelledby="agent-key-title">
          <h2 id="agent-key-title" className="h3">
            Agent "{created.name}" created
          </h2>
          <p>
            <strong>Copy its connect key now: it is shown only this once</strong>, works once, and expires in 24 hours. On the agent's machine:{' '}
            <code>idsync agent connect --hub https://THIS-HUB:8470 --key …</code>
          </p>
          <div className="inline-row">
            <div className="field grow">
              <label htmlFor="agent-key">Connect key</label>
              <input id="agent-key" ref={keyRef} readOnly value={created.connectKey} className="mono" onFocus={(e) => e.target.select()} />
            </div>
            <button type="button" className="primary" onClick={() => setCreated(undefined)}>
              I have saved it
            </button>
          </div>
        </section>
      ) : null}
      <ErrorMessage error={agents.error} />
      <ErrorMessage error={revoke.error} prefix="Not revoked:" />
      {agents.data ? (
        agents.data.items.length ? (
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">On-premises agents</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Channel</th>
                  <th scope="col">Directories</th>
                  <th scope="col">Version</th>
                  <th scope="col">Address</th>
                  <th scope="col">Last heartbeat</th>
                  <th scope="col">Round trip</th>
                  {isAdmin ? <th scope="col">Actions</th> : null}
                </tr>
              </thead>
              <tbody>
                {agents.data.items.map((a) => {
                  const s = channel(a);
                  const c = a.connection;
                  return (
                    <tr key={a.name}>
                      <th scope="row">{a.name}</th>
                      <td>
                        <StatusBadge status={s.status} label={s.label} />
                        {c ? <span className="small muted"> since {formatTime(c.connectedAt)}</span> : null}
                      </td>
                      <td>
                        {c
                          ? [...c.primaryFor.map((d) => `${d} (primary)`), ...c.standbyFor.map((d) => `${d} (standby)`)].join(', ') ||
                            c.directories.join(', ') ||
                            '—'
                          : a.directories.join(', ') || '—'}
                      </td>
                      <td>{c?.version ?? a.version ?? '—'}</td>
                      <td>{c?.address ?? a.lastAddress ?? '—'}</td>
                      <td>{formatTime(c?.lastHeartbeatAt ?? a.lastHeartbeatAt)}</td>
                      <td>{c?.rttMs != null ? `${c.rttMs} ms` : '—'}</td>
                      {isAdmin ? (
                        <td>
                          {a.state !== 'revoked' ? (
                            <button
                              type="button"
                              className="small danger"
                              onClick={() => void revoke.run(a)}
                              disabled={revoke.busy}
                              aria-label={`Revoke agent ${a.name}`}
                            >
                              Revoke
                            </button>
                          ) : null}
                        </td>
                      ) : null}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="empty">No agents yet. An agent reaches a directory the hub cannot reach, from inside its network.</p>
        )
      ) : null}
      {isAdmin ? (
        <form className="card" onSubmit={(e) => void create.run(e)} aria-labelledby="new-agent-title">
          <h2 id="new-agent-title" className="h3">
            Create an agent
          </h2>
          <TextField label="Name" value={name} onChange={setName} required maxLength={63} placeholder="e.g. site-paris-1" autoComplete="off" />
          <ErrorMessage error={create.error} />
          <button type="submit" className="primary" disabled={create.busy}>
            Create agent
          </button>
        </form>
      ) : (
        <p className="hint">Only administrators can create or revoke agents.</p>
      )}
    </>
  );
}
