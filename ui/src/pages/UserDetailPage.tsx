import { useState, type FormEvent } from 'react';
import { api, seg } from '../api/client';
import type { Adopted, ExportState, UserDetail } from '../api/types';
import { ErrorMessage } from '../components/ErrorMessage';
import { PageHeader } from '../components/Layout';
import { StatusBadge } from '../components/StatusBadge';
import { PasswordSyncCard } from '../components/PasswordSyncCard';
import { SyncUserForm } from '../components/SyncUserForm';
import { SecondFactorCard } from '../components/SecondFactorCard';
import { formatReason, formatTime, formatValue } from '../format';
import { useAnnounce } from '../components/Announcer';
import { useConfirm } from '../components/ConfirmDialog';
import { TextField } from '../components/Field';
import { useAction } from '../hooks/useAction';
import { useAsync } from '../hooks/useAsync';
import { Link } from '../router';
import { useCan } from '../session';

const ATTR_LABELS: Record<string, string> = {
  aliases: 'Aliases',
  fullName: 'Full name',
  firstName: 'First name',
  lastName: 'Last name',
  email: 'Email',
  phones: 'Phones',
  notes: 'Notes',
};

/** A plain answer to "why is this user disabled / in the trash / active?". */
function WhyStatus({ u }: { u: UserDetail }) {
  const lastChange = u.history.find((h) => ['disabled', 'trashed', 'held', 'restored', 'created'].includes(h.outcome));
  let title: string;
  let text: string;
  if (u.heldRemoval) {
    // The removal waits for approval: the user is still as they were, and saying "in scope" would be wrong (item 4).
    const h = u.heldRemoval;
    title = "This user's removal is held for approval";
    text =
      `Run #${h.runId} holds their removal since ${formatTime(h.since)}: ` +
      `approving it will ${h.action === 'trash' ? 'disable them and move them to the trash' : 'disable them'}; rejecting it keeps them. ` +
      `Why: ${formatReason(h.reason)}. Until an administrator decides, they stay ${u.status}.`;
  } else if (u.status === 'active') {
    title = 'Why is this user active?';
    text = u.syncItem
      ? `They are in scope of ${u.directory}: ${u.syncItem}.`
      : u.directory
        ? `They are synced from ${u.directory}.`
        : 'They are a local user, not synced from a directory.';
  } else if (u.status === 'disabled') {
    title = 'Why is this user disabled?';
    text = formatReason(u.statusReason) || 'Disabled, with no reason recorded.';
  } else {
    title = 'Why is this user in the trash?';
    const deleted = u.deleteAfter ? ` They will be deleted after ${formatTime(u.deleteAfter)} unless they come back in scope before then.` : '';
    text = `${formatReason(u.statusReason) || 'They left the scope of their directory.'}${deleted}`;
  }
  return (
    // A held user is active only until the decision: coloured as waiting, not as plainly active.
    <section className={`card why why-${u.heldRemoval ? 'held' : u.status}`} aria-labelledby="why-title">
      <h2 id="why-title" className="h3">
        {title}
      </h2>
      <p>{text}</p>
      {u.heldRemoval ? (
        <p>
          <Link to="/approvals">Review it in Approvals</Link>
        </p>
      ) : null}
      {lastChange && u.status !== 'active' ? (
        <p className="small">
          Recorded by <Link to={`/runs/${lastChange.runId}`}>run #{lastChange.runId}</Link> on {formatTime(lastChange.startedAt)} ({lastChange.outcome}
          {lastChange.reason ? `: ${formatReason(lastChange.reason)}` : ''}).
        </p>
      ) : null}
      {u.status !== 'active' && u.directory ? (
        <p className="small">To bring them back, put them back in a chosen group in {u.directory}, then sync the user (below) or wait for the next sync.</p>
      ) : null}
    </section>
  );
}

/**
 * An administrator sets a local user's password (PUT /users/{username}/password, issue 12). It is
 * write-only: the API keeps an argon2id verifier and sends it to provisioning targets encrypted;
 * the form clears itself once it is set.
 */
function SetPasswordForm({ u, onDone }: { u: UserDetail; onDone: () => void }) {
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const announce = useAnnounce();
  const set = useAction(async (e: FormEvent) => {
    e.preventDefault();
    if (password !== again) throw new Error('The two passwords differ.');
    await api.put(`/users/${seg(u.username)}/password`, { password });
    setPassword('');
    setAgain('');
    announce(`Password of ${u.username} set`);
    onDone();
  });
  return (
    <form className="card" onSubmit={(e) => void set.run(e)} aria-labelledby="set-password-title">
      <h2 id="set-password-title" className="h3">
        Set password
      </h2>
      <p className="small">{u.passwordSetAt ? `Last set ${formatTime(u.passwordSetAt)}.` : 'No password set in idsync yet.'}</p>
      <div className="grid-3">
        <TextField
          label={`New password for ${u.username}`}
          type="password"
          value={password}
          onChange={setPassword}
          required
          minLength={12}
          autoComplete="new-password"
          hint="At least 12 characters; a directory with provisioning may ask for more. Tell it to them privately."
        />
        <TextField label="Repeat the password" type="password" value={again} onChange={setAgain} required minLength={12} autoComplete="new-password" />
      </div>
      <ErrorMessage error={set.error} prefix="Not set:" />
      <button type="submit" className="primary" disabled={set.busy}>
        Set password
      </button>
    </form>
  );
}

/**
 * The user's export state at each provisioning target (issue 12: "It shows in … the panel"). A
 * conflict (an account of the same name idsync does not manage) is taken over only by an explicit,
 * audited action: the Adopt button (POST /users/{username}/adopt), for administrators.
 */
function ExportStates({ u, canAdopt, onDone }: { u: UserDetail; canAdopt: boolean; onDone: () => void }) {
  const confirm = useConfirm();
  const announce = useAnnounce();
  const adopt = useAction(async (e: ExportState) => {
    const ok = await confirm({
      title: `Adopt the account ${u.username} in ${e.directory}?`,
      body: (
        <p>
          idsync takes over the existing account{e.targetDn ? ` ${e.targetDn}` : ''} and manages it from now on: its attributes, enabled state, groups and
          password are overwritten with the store's at the next delivery. The adoption is recorded in the audit log.
        </p>
      ),
      confirmLabel: 'Adopt account',
      danger: true,
    });
    if (!ok) return;
    const r = await api.post<Adopted>(`/users/${seg(u.username)}/adopt`, { directory: e.directory });
    announce(`${r.username} now manages ${r.targetDn} in ${r.directory}`);
    onDone();
  });
  return (
    <section className="card" aria-labelledby="exports-title">
      <h2 id="exports-title" className="h3">
        Provisioning
      </h2>
      <dl className="summary">
        {u.exports.map((e) => (
          <div key={e.directory} className="summary-row">
            <dt>{e.directory}</dt>
            <dd>
              <StatusBadge status={e.state} /> {e.targetDn ? <span className="mono small">{e.targetDn}</span> : null}
              {e.reason ? ` ${e.code}: ${e.reason}` : ''}
              {canAdopt && e.state === 'conflict' ? (
                <>
                  {' '}
                  <button type="button" onClick={() => void adopt.run(e)} disabled={adopt.busy} aria-label={`Adopt the account in ${e.directory}`}>
                    Adopt
                  </button>
                </>
              ) : null}
            </dd>
          </div>
        ))}
      </dl>
      <ErrorMessage error={adopt.error} prefix="Not adopted:" />
    </section>
  );
}

/** A user with lineage: where they come from, which sync item brought them in, and the runs that changed them. */
export function UserDetailPage({ username }: { username: string }) {
  const canSync = useCan('user_manager');
  const canSetPassword = useCan('administrator');
  const user = useAsync((signal) => api.get<UserDetail>(`/users/${seg(username)}`, undefined, signal), [username]);
  const u = user.data;
  return (
    <>
      <PageHeader title={u?.username ?? username} back={{ to: '/users', label: 'Users' }}>
        {u ? <StatusBadge status={u.status} /> : null}
      </PageHeader>
      <ErrorMessage error={user.error} />
      {u ? (
        <>
          <WhyStatus u={u} />
          <div className="columns">
            <section className="card" aria-labelledby="lineage-title">
              <h2 id="lineage-title" className="h3">
                Lineage
              </h2>
              <dl className="summary">
                <dt>Directory</dt>
                <dd>{u.directory ? <Link to={`/directories/${encodeURIComponent(u.directory)}`}>{u.directory}</Link> : 'none (local user)'}</dd>
                <dt>Brought in by</dt>
                <dd>{u.syncItem ?? '—'}</dd>
                <dt>DN</dt>
                <dd className="mono small">{u.dn ?? '—'}</dd>
                <dt>Directory ID</dt>
                <dd className="mono small">{u.externalId ?? '—'}</dd>
                <dt>Groups</dt>
                <dd>{u.groups.length ? u.groups.join(', ') : 'none'}</dd>
                {u.localGroups.length ? (
                  <>
                    <dt>Local groups</dt>
                    <dd>
                      {u.localGroups.map((g, i) => (
                        <span key={g}>
                          {i ? ', ' : ''}
                          <Link to={`/local-groups/${seg(g)}`}>{g}</Link>
                        </span>
                      ))}
                    </dd>
                  </>
                ) : null}
              </dl>
            </section>
            <section className="card" aria-labelledby="attrs-title">
              <h2 id="attrs-title" className="h3">
                Attributes
              </h2>
              <dl className="summary">
                {Object.entries(u.attributes).map(([k, v]) => (
                  <div key={k} className="summary-row">
                    <dt>{ATTR_LABELS[k] ?? k}</dt>
                    <dd>{formatValue(v)}</dd>
                  </div>
                ))}
              </dl>
              {u.directory ? <p className="hint">These attributes belong to {u.directory}: change them there.</p> : null}
            </section>
          </div>
          <section className="card" aria-labelledby="history-title">
            <h2 id="history-title" className="h3">
              Recent runs that changed {u.username}
            </h2>
            {u.history.length ? (
              <div className="table-wrap">
                <table>
                  <caption className="visually-hidden">Runs that changed the user</caption>
                  <thead>
                    <tr>
                      <th scope="col">Run</th>
                      <th scope="col">When</th>
                      <th scope="col">Outcome</th>
                      <th scope="col">Why / what changed</th>
                    </tr>
                  </thead>
                  <tbody>
                    {u.history.map((h, i) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: a run can touch a user twice; the history is only ever replaced whole.
                      <tr key={`${h.runId}-${i}`}>
                        <th scope="row">
                          <Link to={`/runs/${h.runId}`}>#{h.runId}</Link>
                        </th>
                        <td>{formatTime(h.startedAt)}</td>
                        <td>
                          <StatusBadge status={h.outcome} />
                        </td>
                        <td>
                          {formatReason(h.reason)}
                          {h.attributes ? (
                            <ul className="attr-changes">
                              {Object.entries(h.attributes).map(([k, ch]) => (
                                <li key={k}>
                                  <span className="mono">{k}</span>: <del>{formatValue(ch.before)}</del> → <ins>{formatValue(ch.after)}</ins>
                                </li>
                              ))}
                            </ul>
                          ) : null}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : (
              <p className="muted">No run has changed this user yet.</p>
            )}
          </section>
          {u.directory ? <PasswordSyncCard username={u.username} /> : null}
          <SecondFactorCard username={u.username} synced={!!u.directory} canManage={canSync} />
          {u.exports.length ? <ExportStates u={u} canAdopt={canSetPassword} onDone={user.reload} /> : null}
          {canSetPassword && !u.directory ? <SetPasswordForm u={u} onDone={user.reload} /> : null}
          {canSync && u.directory ? (
            <section className="card">
              <SyncUserForm directory={u.directory} initial={u.username} onDone={user.reload} />
            </section>
          ) : null}
        </>
      ) : user.loading ? (
        <p role="status">Loading…</p>
      ) : null}
    </>
  );
}
