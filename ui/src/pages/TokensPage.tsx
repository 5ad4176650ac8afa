import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { ROLE_LABEL, ROLES, type ApiToken, type Role } from '../api/types';
import { useAnnounce } from '../components/Announcer';
import { useConfirm } from '../components/ConfirmDialog';
import { ErrorMessage } from '../components/ErrorMessage';
import { SelectField, TextField } from '../components/Field';
import { PageHeader } from '../components/Layout';
import { StatusBadge } from '../components/StatusBadge';
import { TokenReveal } from '../components/TokenReveal';
import { formatTime } from '../format';
import { useAction } from '../hooks/useAction';
import { useAsync } from '../hooks/useAsync';
import { useCan } from '../session';

function tokenState(t: ApiToken): { status: string; label: string } {
  if (t.revokedAt) return { status: 'muted', label: 'revoked' };
  if (t.expiresAt && new Date(t.expiresAt).getTime() <= Date.now()) return { status: 'muted', label: 'expired' };
  return { status: 'active', label: 'active' };
}

/** API tokens for scripts and monitoring: created by owners, shown once, revoked (never deleted, for the audit trail). */
export function TokensPage() {
  const isOwner = useCan('owner');
  const confirm = useConfirm();
  const announce = useAnnounce();
  const tokens = useAsync((signal) => api.get<{ items: ApiToken[] }>('/tokens', undefined, signal), []);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('read_only');
  const [expires, setExpires] = useState('');
  const [created, setCreated] = useState<{ name: string; token: string }>();

  const create = useAction(async (e: FormEvent) => {
    e.preventDefault();
    const body = { name, role, ...(expires ? { expiresAt: new Date(`${expires}T23:59:59`).toISOString() } : {}) };
    const t = await api.post<ApiToken & { token: string }>('/tokens', body);
    setCreated({ name: t.name, token: t.token });
    setName('');
    setExpires('');
    tokens.reload();
  });

  const revoke = useAction(async (t: ApiToken) => {
    const ok = await confirm({
      title: `Revoke token "${t.name}"?`,
      body: <p>Scripts using it are refused from now on (401). The token stays listed as revoked. This cannot be undone: make a new token instead.</p>,
      confirmLabel: 'Revoke token',
      danger: true,
    });
    if (!ok) return;
    await api.del(`/tokens/${t.id}`);
    announce(`Token ${t.name} revoked`);
    tokens.reload();
  });

  return (
    <>
      <PageHeader title="API tokens" />
      {created ? <TokenReveal name={created.name} token={created.token} onDone={() => setCreated(undefined)} /> : null}
      <ErrorMessage error={tokens.error} />
      <ErrorMessage error={revoke.error} prefix="Not revoked:" />
      {tokens.data ? (
        tokens.data.items.length ? (
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">API tokens</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Role</th>
                  <th scope="col">State</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Expires</th>
                  {isOwner ? <th scope="col">Actions</th> : null}
                </tr>
              </thead>
              <tbody>
                {tokens.data.items.map((t) => {
                  const s = tokenState(t);
                  return (
                    <tr key={t.id}>
                      <th scope="row">{t.name}</th>
                      <td>{t.role === 'verify' ? 'Verify passwords only' : ROLE_LABEL[t.role]}</td>
                      <td>
                        <StatusBadge status={s.status} label={s.label} />
                      </td>
                      <td>
                        {formatTime(t.createdAt)}
                        {t.createdBy ? <span className="small muted"> by {t.createdBy}</span> : null}
                      </td>
                      <td>{formatTime(t.lastUsedAt)}</td>
                      <td>{t.expiresAt ? formatTime(t.expiresAt) : 'never'}</td>
                      {isOwner ? (
                        <td>
                          {!t.revokedAt ? (
                            <button
                              type="button"
                              className="small danger"
                              onClick={() => void revoke.run(t)}
                              disabled={revoke.busy}
                              aria-label={`Revoke token ${t.name}`}
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
          <p className="empty">No API tokens yet.</p>
        )
      ) : null}
      {isOwner ? (
        <form className="card" onSubmit={(e) => void create.run(e)} aria-labelledby="new-token-title">
          <h2 id="new-token-title" className="h3">
            Create a token
          </h2>
          <div className="grid-3">
            <TextField
              label="Name"
              value={name}
              onChange={setName}
              required
              maxLength={100}
              placeholder="e.g. prometheus, provisioning script"
              autoComplete="off"
            />
            <SelectField
              label="Role"
              value={role}
              onChange={(v) => setRole(v as Role)}
              options={ROLES.map((r) => ({ value: r, label: ROLE_LABEL[r] }))}
              hint="Give a script the least it needs."
            />
            <TextField label="Expires on (optional)" type="date" value={expires} onChange={setExpires} hint="Empty: never expires." />
          </div>
          <ErrorMessage error={create.error} />
          <button type="submit" className="primary" disabled={create.busy}>
            Create token
          </button>
        </form>
      ) : (
        <p className="hint">Only owners can create or revoke tokens.</p>
      )}
    </>
  );
}
