import type { RunObject, RunReport } from '../../api/types';
import { ErrorMessage } from '../../components/ErrorMessage';
import { StatusBadge } from '../../components/StatusBadge';
import { countsLine, formatReason, formatValue, plural, readableWarning } from '../../format';

const SAMPLE = 10;

const after = (o: RunObject, k: string) => o.attributes?.[k]?.after;

/**
 * The last step for a new directory (issue 10 item 15): what the first import would do, from a
 * dry run of the unsaved configuration. Nothing is stored until the administrator presses
 * "Create and import"; the username attribute is locked only by that import.
 */
export function StepPreview({ plan, error, busy }: { plan?: RunReport; error?: Error; busy: boolean }) {
  if (busy) {
    return (
      <p role="status" aria-busy="true" className="notice">
        Planning the first import without writing anything: reading the chosen groups and their users from the directory…
      </p>
    );
  }
  if (error) return <ErrorMessage error={error} prefix="The preview failed:" />;
  if (!plan) return null;
  if (plan.status === 'failed') {
    return (
      <p className="error" role="alert">
        The import would fail: {plan.error?.message} [{plan.error?.code}]. Go back and fix the configuration.
      </p>
    );
  }
  const users = plan.changes.filter((c) => c.objectType === 'user' && c.outcome !== 'unchanged');
  const sample = users.slice(0, SAMPLE);
  const showPhones = sample.some((u) => after(u, 'phones') !== undefined);
  return (
    <section aria-labelledby="preview-title">
      <h3 id="preview-title">Plan of the first import (nothing was saved)</h3>
      <p>
        Importing now would make these changes: <strong>{countsLine(plan.counts)}</strong>
        {plan.counts.groupsCreated ? `, ${plural(plan.counts.groupsCreated, 'group')} created` : ''}.
      </p>
      {plan.warnings.length ? (
        <ul className="warnings" aria-label="Warnings">
          {plan.warnings.map((w) => (
            <li key={w} className="warning">
              {readableWarning(w)}
            </li>
          ))}
        </ul>
      ) : null}
      {sample.length ? (
        <div className="table-wrap">
          <table>
            <caption>
              {sample.length < users.length
                ? `The first ${sample.length} of ${plural(users.length, 'user')}, as they would be imported`
                : `${plural(users.length, 'user')}, as they would be imported`}
            </caption>
            <thead>
              <tr>
                <th scope="col">Username</th>
                <th scope="col">Status</th>
                <th scope="col">Full name</th>
                <th scope="col">Email</th>
                {showPhones ? <th scope="col">Phones</th> : null}
              </tr>
            </thead>
            <tbody>
              {sample.map((u) => (
                <tr key={u.name}>
                  <th scope="row">{u.name}</th>
                  <td>
                    <StatusBadge status={u.outcome} />
                    {u.reason ? <div className="small muted">{formatReason(u.reason)}</div> : null}
                  </td>
                  <td>{formatValue(after(u, 'fullName'))}</td>
                  <td>{formatValue(after(u, 'email'))}</td>
                  {showPhones ? <td>{formatValue(after(u, 'phones'))}</td> : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="warning">No user is in scope: check the chosen groups and the user filter before importing.</p>
      )}
      <p>
        "Create and import" saves the directory and runs this import; from then on idsync keeps it in sync, and the username attribute can no longer change.
      </p>
    </section>
  );
}
