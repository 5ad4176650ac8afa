import { useState, type FormEvent } from 'react';
import { api, seg } from '../api/client';
import type { LocalGroup, LocalGroupDetail } from '../api/types';
import { useAnnounce } from '../components/Announcer';
import { useConfirm } from '../components/ConfirmDialog';
import { ErrorMessage } from '../components/ErrorMessage';
import { TextField } from '../components/Field';
import { PageHeader } from '../components/Layout';
import { StatusBadge } from '../components/StatusBadge';
import { formatNumber, formatTime } from '../format';
import { useAction } from '../hooks/useAction';
import { useAsync } from '../hooks/useAsync';
import { Link, navigate } from '../router';
import { useCan } from '../session';
import { GroupFactorStatusCard } from '../components/GroupFactorStatusCard';

const path = (name: string) => `/local-groups/${seg(name)}`;

function NewLocalGroupForm({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const announce = useAnnounce();
  const create = useAction(async (e: FormEvent) => {
    e.preventDefault();
    await api.post('/local-groups', { name, ...(description ? { description } : {}) });
    announce(`Local group ${name} created`);
    setName('');
    setDescription('');
    onCreated();
  });
  return (
    <form className="card" onSubmit={(e) => void create.run(e)} aria-labelledby="new-local-group">
      <h2 id="new-local-group" className="h3">
        Create a local group
      </h2>
      <div className="grid-3">
        <TextField label="Name" value={name} onChange={setName} required autoComplete="off" />
        <TextField label="Description" value={description} onChange={setDescription} autoComplete="off" />
      </div>
      <ErrorMessage error={create.error} prefix="Not created:" />
      <button type="submit" className="primary" disabled={create.busy}>
        Create group
      </button>
    </form>
  );
}

/** Groups made in idsync (issue 12): any store user can be a member; provisioning exports them to directories. */
export function LocalGroupsPage() {
  const canEdit = useCan('user_manager');
  const groups = useAsync((signal) => api.get<{ items: LocalGroup[] }>('/local-groups', undefined, signal), []);
  return (
    <>
      <PageHeader title="Local groups" />
      <p className="subtitle">
        Groups made in idsync. Any user can be a member, local or synced; directories with provisioning receive them. The groups synced from directories are
        under <Link to="/groups">Groups</Link>.
      </p>
      <ErrorMessage error={groups.error} />
      {groups.data?.items.length ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Local groups</caption>
            <thead>
              <tr>
                <th scope="col">Group</th>
                <th scope="col">Description</th>
                <th scope="col" className="num">
                  Members
                </th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {groups.data.items.map((g) => (
                <tr key={g.id}>
                  <th scope="row">
                    <Link to={path(g.name)}>{g.name}</Link>
                  </th>
                  <td>{g.description ?? ''}</td>
                  <td className="num">{formatNumber(g.memberCount)}</td>
                  <td>{formatTime(g.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : groups.data ? (
        <p className="muted">No local groups yet.</p>
      ) : null}
      {canEdit ? <NewLocalGroupForm onCreated={groups.reload} /> : null}
    </>
  );
}

function EditLocalGroupForm({ group, onSaved }: { group: LocalGroupDetail; onSaved: (name: string) => void }) {
  const [name, setName] = useState(group.name);
  const [description, setDescription] = useState(group.description ?? '');
  const announce = useAnnounce();
  const save = useAction(async (e: FormEvent) => {
    e.preventDefault();
    const saved = await api.patch<LocalGroupDetail>(path(group.name), { name, description: description || null });
    announce(`Local group ${saved.name} saved`);
    onSaved(saved.name);
  });
  return (
    <form className="card" onSubmit={(e) => void save.run(e)} aria-labelledby="edit-local-group">
      <h2 id="edit-local-group" className="h3">
        Rename or describe
      </h2>
      <div className="grid-3">
        <TextField label="Name" value={name} onChange={setName} required autoComplete="off" />
        <TextField label="Description" value={description} onChange={setDescription} autoComplete="off" />
      </div>
      <ErrorMessage error={save.error} prefix="Not saved:" />
      <button type="submit" disabled={save.busy}>
        Save
      </button>
    </form>
  );
}

function AddMembersForm({ group, onAdded }: { group: LocalGroupDetail; onAdded: () => void }) {
  const [text, setText] = useState('');
  const announce = useAnnounce();
  const add = useAction(async (e: FormEvent) => {
    e.preventDefault();
    const usernames = text
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    await api.post(`/local-groups/${seg(group.name)}/members`, { usernames });
    announce(`Added ${usernames.join(', ')} to ${group.name}`);
    setText('');
    onAdded();
  });
  return (
    <form className="card" onSubmit={(e) => void add.run(e)} aria-labelledby="add-members">
      <h2 id="add-members" className="h3">
        Add members
      </h2>
      <TextField label="Usernames" value={text} onChange={setText} required autoComplete="off" hint="One or more, separated by commas or spaces." />
      <ErrorMessage error={add.error} prefix="Not added:" />
      <button type="submit" className="primary" disabled={add.busy}>
        Add
      </button>
    </form>
  );
}

/** A local group: its members (add, remove), its name and description, its export state per target. */
export function LocalGroupDetailPage({ name }: { name: string }) {
  const canEdit = useCan('user_manager');
  const confirm = useConfirm();
  const announce = useAnnounce();
  const group = useAsync((signal) => api.get<LocalGroupDetail>(path(name), undefined, signal), [name]);
  const g = group.data;
  const removeMember = useAction(async (username: string) => {
    await api.del(`/local-groups/${seg(name)}/members/${seg(username)}`);
    announce(`Removed ${username} from ${name}`);
    group.reload();
  });
  const remove = useAction(async () => {
    const ok = await confirm({
      title: `Remove local group ${name}?`,
      body: <p>Its members stay in idsync. Directories with provisioning are told at their next delivery.</p>,
      confirmLabel: 'Remove group',
      danger: true,
    });
    if (!ok) return;
    await api.del(`/local-groups/${seg(name)}`);
    announce(`Local group ${name} removed`);
    navigate('/local-groups');
  });
  return (
    <>
      <PageHeader title={g?.name ?? name} back={{ to: '/local-groups', label: 'Local groups' }} />
      <ErrorMessage error={group.error} />
      <ErrorMessage error={removeMember.error} prefix="Not removed:" />
      <ErrorMessage error={remove.error} prefix="Not removed:" />
      {g ? (
        <>
          {g.description ? <p className="subtitle">{g.description}</p> : null}
          <GroupFactorStatusCard group={{ kind: 'local', name: g.name }} />
          <section className="card" aria-labelledby="members-title">
            <h2 id="members-title" className="h3">
              Members ({formatNumber(g.members.length)})
            </h2>
            {g.members.length ? (
              <div className="table-wrap">
                <table>
                  <caption className="visually-hidden">Members of {g.name}</caption>
                  <thead>
                    <tr>
                      <th scope="col">User</th>
                      <th scope="col">Status</th>
                      <th scope="col">Directory</th>
                      {canEdit ? <th scope="col">Actions</th> : null}
                    </tr>
                  </thead>
                  <tbody>
                    {g.members.map((m) => (
                      <tr key={m.username}>
                        <th scope="row">
                          <Link to={`/users/${seg(m.username)}`}>{m.username}</Link>
                        </th>
                        <td>
                          <StatusBadge status={m.status} />
                        </td>
                        <td>{m.directory ?? 'local'}</td>
                        {canEdit ? (
                          <td className="row-actions">
                            <button
                              type="button"
                              className="small"
                              onClick={() => void removeMember.run(m.username)}
                              disabled={removeMember.busy}
                              aria-label={`Remove ${m.username} from ${g.name}`}
                            >
                              Remove
                            </button>
                          </td>
                        ) : null}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : (
              <p className="muted">No members yet.</p>
            )}
          </section>
          {g.exports.length ? (
            <section className="card" aria-labelledby="exports-title">
              <h2 id="exports-title" className="h3">
                Provisioning
              </h2>
              <dl className="summary">
                {g.exports.map((e) => (
                  <div key={e.directory} className="summary-row">
                    <dt>{e.directory}</dt>
                    <dd>
                      <StatusBadge status={e.state} /> {e.targetDn ? <span className="mono small">{e.targetDn}</span> : null}
                      {e.reason ? ` ${e.code}: ${e.reason}` : ''}
                    </dd>
                  </div>
                ))}
              </dl>
            </section>
          ) : null}
          {canEdit ? (
            <>
              <AddMembersForm group={g} onAdded={group.reload} />
              <EditLocalGroupForm
                key={g.name}
                group={g}
                onSaved={(newName) => (newName === g.name ? group.reload() : navigate(path(newName), { replace: true }))}
              />
              <p>
                <button type="button" className="danger" onClick={() => void remove.run()} disabled={remove.busy}>
                  Remove group
                </button>
              </p>
            </>
          ) : null}
        </>
      ) : group.loading ? (
        <p role="status">Loading…</p>
      ) : null}
    </>
  );
}
