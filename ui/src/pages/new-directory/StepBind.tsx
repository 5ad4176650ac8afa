import { readableWarning } from '../../format';
import { api } from '../../api/client';
import type { ConnectionTest } from '../../api/types';
import { ErrorMessage } from '../../components/ErrorMessage';
import { TextField } from '../../components/Field';
import { StatusBadge } from '../../components/StatusBadge';
import { useAction } from '../../hooks/useAction';
import { dnProblem } from './dn';
import { toInput } from './draft';
import type { StepProps } from './StepProps';

/** Bind DN, write-only password and base DN, with a connection test of every server. */
export function StepBind({
  draft,
  set,
  errors,
  editing,
  defaults,
  tested: result,
  onTested,
}: StepProps & { tested?: ConnectionTest; onTested: (r: ConnectionTest) => void }) {
  const ad = draft.type === 'active-directory';
  // The result belongs to the settings it tested: the page drops it when they change.
  const test = useAction(async () => {
    onTested(await api.post<ConnectionTest>('/directory-drafts/test', toInput(draft, defaults, { forSearch: true })));
  });
  const canTest = !!draft.baseDn.trim() && !dnProblem(draft.baseDn) && draft.servers.some((s) => s.trim()) && (!draft.bindDn.trim() || !!draft.password);

  return (
    <>
      <TextField
        label="Bind DN"
        value={draft.bindDn}
        onChange={(v) => set({ bindDn: v })}
        placeholder={ad ? 'svc-idsync@corp.example.com' : 'cn=idsync,dc=example,dc=com'}
        hint={
          ad
            ? 'A read-only service account: its DN, or user@domain. Not a Domain Admin.'
            : 'A DN with read access to users and groups. Empty binds anonymously.'
        }
        error={errors['bind.dn']}
        autoComplete="off"
        spellCheck={false}
      />
      <TextField
        label="Bind password"
        type="password"
        value={draft.password}
        onChange={(v) => set({ password: v })}
        // new-password: the browser must not fill in an admin's own saved password here.
        autoComplete="new-password"
        hint={editing ? 'Write-only: the stored password is never shown. Leave empty to keep it.' : 'Write-only: stored by idsync and never shown again.'}
        error={errors['bind.password']}
      />
      <TextField
        label="Base DN"
        value={draft.baseDn}
        onChange={(v) => set({ baseDn: v })}
        placeholder={ad ? 'DC=corp,DC=example,DC=com' : 'dc=example,dc=com'}
        hint="Users and groups are searched under it (subtree). Every chosen group must be under it."
        error={errors.baseDn ?? dnProblem(draft.baseDn)}
        required
        autoComplete="off"
        spellCheck={false}
      />
      <div className="actions">
        <button type="button" onClick={() => void test.run()} disabled={test.busy || !canTest} aria-describedby="test-help">
          {test.busy ? 'Testing…' : 'Test connection'}
        </button>
        <span id="test-help" className="hint">
          {canTest
            ? 'Connects to each server on its own: reachability, TLS, credentials and the base DN.'
            : 'Needs a server, a valid base DN and the password.'}
        </span>
      </div>
      <div aria-live="polite">
        {test.busy ? <p role="status">Connecting to {draft.servers.filter(Boolean).length} server(s)…</p> : null}
        <ErrorMessage error={test.error} />
        {result ? (
          <div className={`test-result ${result.ok ? 'ok' : 'bad'}`}>
            <p>
              <strong>{result.ok ? 'Every server answered.' : 'Some checks failed.'}</strong>
            </p>
            <ul>
              {result.servers.map((s) => (
                <li key={s.url}>
                  <StatusBadge status={s.ok ? 'success' : 'failure'} label={s.ok ? 'OK' : 'Failed'} /> <span className="mono">{s.url}</span>{' '}
                  <span>[{s.transport}]</span> {s.ms} ms — {s.message}
                  {s.code ? <span className="error-code"> [{s.code}]</span> : null}
                </li>
              ))}
            </ul>
            {result.warnings.map((w) => (
              <p key={w} className="warning">
                {readableWarning(w, { managedBy: 'api', servers: draft.servers.filter((x) => x.trim()) })}
              </p>
            ))}
          </div>
        ) : null}
      </div>
    </>
  );
}
