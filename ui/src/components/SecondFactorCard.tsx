import { useState } from 'react';
import { api, seg } from '../api/client';
import type { UserSecondFactor } from '../api/types';
import { formatTime } from '../format';
import { useAction } from '../hooks/useAction';
import { useAsync } from '../hooks/useAsync';
import { useAnnounce } from './Announcer';
import { useConfirm } from './ConfirmDialog';
import { ErrorMessage } from './ErrorMessage';
import { SelectField } from './Field';

const STATUS_LABEL: Record<string, string> = {
  active: 'Active (second factor required)',
  bypass: 'Bypass (no second factor)',
  disabled: 'Disabled (denied)',
  locked_out: 'Locked out',
  disabled_by_group: 'Disabled by a group',
};

/**
 * A user's second factor on their page (issue 15): the status that applies and the user's own,
 * their authenticators (kind, label, dates; never a secret), removing one (audited, confirmed
 * first), and setting the status (user managers; `disabled` for local users only, since a synced
 * user's comes from their directory; "active" also unlocks).
 */
export function SecondFactorCard({ username, synced, canManage }: { username: string; synced: boolean; canManage: boolean }) {
  const sf = useAsync((signal) => api.get<UserSecondFactor>(`/users/${seg(username)}/second-factor`, undefined, signal), [username]);
  const v = sf.data;
  const confirm = useConfirm();
  const announce = useAnnounce();
  const [status, setStatus] = useState<string>('');
  const remove = useAction(async (a: UserSecondFactor['authenticators'][number]) => {
    const ok = await confirm({
      title: `Remove ${a.label} from ${username}?`,
      body: <p>They can no longer use it as a second factor. The removal is recorded in the audit log.</p>,
      confirmLabel: 'Remove authenticator',
      danger: true,
    });
    if (!ok) return;
    await api.del(`/users/${seg(username)}/authenticators/${a.id}`);
    announce(`${a.label} removed`);
    sf.reload();
  });
  const save = useAction(async () => {
    const r = await api.put<UserSecondFactor>(`/users/${seg(username)}/second-factor/status`, { status: status || v?.status });
    announce(`Second-factor status of ${username}: ${r.status}`);
    setStatus('');
    sf.reload();
  });
  const options = ['active', 'bypass', ...(synced ? [] : ['disabled']), 'locked_out'].map((s) => ({ value: s, label: STATUS_LABEL[s]! }));
  return (
    <section className="card" aria-labelledby="second-factor-title">
      <h2 id="second-factor-title" className="h3">
        Second factor
      </h2>
      <ErrorMessage error={sf.error} />
      {v ? (
        <>
          <dl className="summary">
            <dt>In effect</dt>
            <dd>{STATUS_LABEL[v.effectiveStatus] ?? v.effectiveStatus}</dd>
            <dt>Failed attempts</dt>
            <dd>
              {v.failures}
              {v.lockedUntil ? `; locked until ${formatTime(v.lockedUntil)}` : ''}
            </dd>
            <dt>Recovery codes left</dt>
            <dd>{v.recoveryCodesLeft}</dd>
          </dl>
          {v.authenticators.length ? (
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">Authenticators of {username}</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Enrolled</th>
                    <th scope="col">Last used</th>
                    {canManage ? <th scope="col">Action</th> : null}
                  </tr>
                </thead>
                <tbody>
                  {v.authenticators.map((a) => (
                    <tr key={a.id}>
                      <th scope="row">{a.label}</th>
                      <td>{a.kind === 'totp' ? 'Authenticator app' : 'Passkey or security key'}</td>
                      <td>{formatTime(a.createdAt)}</td>
                      <td>{a.lastUsedAt ? formatTime(a.lastUsedAt) : 'never'}</td>
                      {canManage ? (
                        <td>
                          <button type="button" onClick={() => void remove.run(a)} disabled={remove.busy} aria-label={`Remove ${a.label}`}>
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
            <p className="muted">No authenticator enrolled.</p>
          )}
          <ErrorMessage error={remove.error} prefix="Not removed:" />
          {canManage ? (
            <form
              aria-label="Second-factor status"
              onSubmit={(e) => {
                e.preventDefault();
                void save.run();
              }}
            >
              <SelectField label="Status" value={status || v.status} onChange={setStatus} options={options} />
              <ErrorMessage error={save.error} prefix="Not changed:" />
              <button type="submit" disabled={save.busy}>
                Set status
              </button>
            </form>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
