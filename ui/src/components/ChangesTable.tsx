import type { RunObject } from '../api/types';
import { formatReason, formatValue } from '../format';
import { Link } from '../router';
import { StatusBadge } from './StatusBadge';

/**
 * Per-object outcomes (a run's log or a dry run's plan): outcome, object, why, and for updates
 * every attribute as before → after.
 */
export function ChangesTable({ objects, caption }: { objects: RunObject[]; caption: string }) {
  if (!objects.length) return <p className="muted">Nothing to show.</p>;
  return (
    <div className="table-wrap">
      <table className="changes">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Outcome</th>
            <th scope="col">Object</th>
            <th scope="col">Why / what changed</th>
          </tr>
        </thead>
        <tbody>
          {objects.map((o, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: one object can change twice in a run; the list is only ever replaced whole.
            <tr key={`${o.objectType}-${o.name}-${i}`}>
              <td>
                <StatusBadge status={o.outcome} />
              </td>
              <th scope="row">
                <span className="muted small">{o.objectType} </span>
                {o.objectType === 'user' ? <Link to={`/users/${encodeURIComponent(o.name)}`}>{o.name}</Link> : o.name}
              </th>
              <td>
                {o.reason ? <div>{formatReason(o.reason)}</div> : null}
                {o.item ? <div className="small muted">via {o.item}</div> : null}
                {o.attributes && Object.keys(o.attributes).length ? (
                  <ul className="attr-changes">
                    {Object.entries(o.attributes).map(([k, ch]) => (
                      <li key={k}>
                        <span className="mono">{k}</span>: <del>{formatValue(ch.before)}</del> → <ins>{formatValue(ch.after)}</ins>
                      </li>
                    ))}
                  </ul>
                ) : null}
                {o.warnings?.map((w) => (
                  <div key={w} className="warning small">
                    {w}
                  </div>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
