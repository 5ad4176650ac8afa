import { useState } from 'react';
import type { RunReport } from '../api/types';
import { countsLine, formatDuration, readableWarning } from '../format';
import { ChangesTable } from './ChangesTable';
import { OutcomeFilter } from './OutcomeFilter';

/** The plan of a dry run: what a full sync would do now, and nothing was written. */
export function DryRunPlan({ plan, onClose, directory }: { plan: RunReport; onClose: () => void; directory?: { managedBy: string; servers: string[] } }) {
  const [outcome, setOutcome] = useState('');
  const shown = plan.changes.filter((c) => (outcome ? c.outcome === outcome : c.outcome !== 'unchanged'));
  return (
    <section className="card" aria-labelledby="plan-title">
      <div className="card-header">
        <h2 id="plan-title" className="h3">
          Dry run plan (nothing was changed)
        </h2>
        <button type="button" onClick={onClose}>
          Close plan
        </button>
      </div>
      {plan.status === 'failed' && plan.error ? (
        <p className="error" role="alert">
          The sync would fail: {plan.error.message} [{plan.error.code}]
        </p>
      ) : (
        <p>
          A full sync now would make these changes: <strong>{countsLine(plan.counts)}</strong> (planned in {formatDuration(plan.durationMs)}).
        </p>
      )}
      {plan.heldForApproval ? (
        <p className="warning">
          {plan.heldForApproval.count} removal(s) would be held for approval ({plan.heldForApproval.threshold}).
        </p>
      ) : null}
      {plan.warnings.map((w) => (
        <p key={w} className="warning">
          {readableWarning(w, directory)}
        </p>
      ))}
      <OutcomeFilter value={outcome} onChange={setOutcome} counts={plan.counts} />
      {!outcome ? <p className="hint">Unchanged objects are hidden; choose "unchanged" to see them.</p> : null}
      <ChangesTable objects={shown} caption="Planned changes" />
    </section>
  );
}
