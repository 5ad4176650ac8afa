import { useState, type FormEvent } from 'react';
import { api, seg } from '../api/client';
import { ROLE_LABEL, ROLES, type Admin, type Role } from '../api/types';
import { useAnnounce } from '../components/Announcer';
import { useConfirm } from '../components/ConfirmDialog';
import { ErrorMessage } from '../components/ErrorMessage';
import { SelectField, TextField } from '../components/Field';
import { PageHeader } from '../components/Layout';
import { formatTime } from '../format';
import { useAction } from '../hooks/useAction';
import { useAsync } from '../hooks/useAsync';
import { useCan, useSession } from '../session';

export const ROLE_HELP: Record<Role, string> = {
  owner: 'everything, including admins and API tokens',
  administrator: 'directories, syncs and approvals; users and groups',
  user_manager: 'users and groups: single-user sync, trash',
  read_only: 'reads everything except secrets',
};

function NewAdminForm({ onCreated }: { onCreated: () => void }) {
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<Role>('administrator');
  const [password, setPassword] = useState('');
  const announce = useAnnounce();
  const create = useAction(async (e: FormEvent) => {
    e.preventDefault();
    await api.post('/admins', { username, role, password });
    announce(`Admin ${username} created`);
    setUsername('');
    setPassword('');
    onCreated();
  });
  return (
    <form className="card" onSubmit={(e) => void create.run(e)} aria-labelledby="new-admin">
      <h2 id="new-admin" className="h3">
        Add an admin
      </h2>
      <div className="grid-3">
        <TextField label="Username" value={username} onChange={setUsername} required autoComplete="off" />
        <SelectField
          label="Role"
          value={role}
          onChange={(v) => setRole(v as Role)}
          options={ROLES.map((r) => ({ value: r, label: `${ROLE_LABEL[r]}: ${ROLE_HELP[r]}` }))}
        />
        <TextField
          label="Initial password"
          type="password"
          value={password}
          onChange={setPassword}
          required
          minLength={12}
          autoComplete="new-password"
          hint="At least 12 characters. Tell it to them privately."
        />
      </div>
      <ErrorMessage error={create.error} />
      <button type="submit" className="primary" disabled={create.busy}>
        Add admin
      </button>
    </form>
  );
}

/** An owner sets a new password for another admin; their sessions end (PUT /admins/{username}/password). */
function ResetPasswordForm({ admin, onDone }: { admin: Admin; onDone: () => void }) {
  const [password, setPassword] = useState('');
  const announce = useAnnounce();
  const reset = useAction(async (e: FormEvent) => {
    e.preventDefault();
    await api.put(`/admins/${seg(admin.username)}/password`, { password });
    announce(`New password set for ${admin.username}; their sessions have ended`);
    onDone();
  });
  return (
    <form className="card" onSubmit={(e) => void reset.run(e)} aria-labelledby="reset-title">
      <h2 id="reset-title" className="h3">
        New password for {admin.username}
      </h2>
      <TextField
        label={`New password for ${admin.username}`}
        type="password"
        value={password}
        onChange={setPassword}
        required
        minLength={12}
        autoComplete="new-password"
        hint="At least 12 characters. Their open sessions end; tell them the new password privately."
      />
      <ErrorMessage error={reset.error} prefix="Not set:" />
      <div className="actions">
        <button type="submit" className="primary" disabled={reset.busy}>
          Set password
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Admin accounts: owners add and delete them, change their roles and reset their passwords; administrators may look. */
export function AdminsPage() {
  const isOwner = useCan('owner');
  const { me } = useSession();
  const confirm = useConfirm();
  const announce = useAnnounce();
  const admins = useAsync((signal) => api.get<{ items: Admin[] }>('/admins', undefined, signal), []);
  const [resetting, setResetting] = useState<Admin>();
  const changeRole = useAction(async (a: Admin, role: Role) => {
    await api.put(`/admins/${seg(a.username)}/role`, { role });
    announce(`${a.username} is now ${ROLE_LABEL[role]}`);
    admins.reload();
  });
  const remove = useAction(async (a: Admin) => {
    const ok = await confirm({
      title: `Delete admin ${a.username}?`,
      body: <p>{a.username} can no longer log in, and their open sessions end at once. Their entries in the audit log stay.</p>,
      confirmLabel: 'Delete admin',
      danger: true,
    });
    if (!ok) return;
    await api.del(`/admins/${seg(a.username)}`);
    announce(`Admin ${a.username} deleted`);
    admins.reload();
  });

  return (
    <>
      <PageHeader title="Admins" />
      <ErrorMessage error={admins.error} />
      <ErrorMessage error={remove.error} prefix="Not deleted:" />
      <ErrorMessage error={changeRole.error} prefix="Role not changed:" />
      {admins.data ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Admin accounts</caption>
            <thead>
              <tr>
                <th scope="col">Username</th>
                <th scope="col">Role</th>
                <th scope="col">Created</th>
                <th scope="col">Last login</th>
                {isOwner ? <th scope="col">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {admins.data.items.map((a) => (
                <tr key={a.id}>
                  <th scope="row">
                    {a.username}
                    {a.username === me.name ? <span className="small muted"> (you)</span> : null}
                  </th>
                  <td>
                    {isOwner && a.username !== me.name ? (
                      <select
                        aria-label={`Role of ${a.username}`}
                        value={a.role}
                        onChange={(e) => void changeRole.run(a, e.target.value as Role)}
                        disabled={changeRole.busy}
                      >
                        {ROLES.map((r) => (
                          <option key={r} value={r}>
                            {ROLE_LABEL[r]}
                          </option>
                        ))}
                      </select>
                    ) : (
                      ROLE_LABEL[a.role]
                    )}
                  </td>
                  <td>{formatTime(a.createdAt)}</td>
                  <td>{formatTime(a.lastLoginAt)}</td>
                  {isOwner ? (
                    <td className="row-actions">
                      {a.username !== me.name ? (
                        <button type="button" className="small" onClick={() => setResetting(a)} aria-label={`Reset the password of ${a.username}`}>
                          Reset password
                        </button>
                      ) : null}
                      <button
                        type="button"
                        className="small danger"
                        onClick={() => void remove.run(a)}
                        disabled={remove.busy}
                        aria-label={`Delete admin ${a.username}`}
                      >
                        Delete
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {isOwner && resetting ? <ResetPasswordForm key={resetting.username} admin={resetting} onDone={() => setResetting(undefined)} /> : null}
      {isOwner ? (
        <NewAdminForm onCreated={admins.reload} />
      ) : (
        <p className="hint">Only owners can add or delete admins, change their roles and reset their passwords.</p>
      )}
    </>
  );
}
