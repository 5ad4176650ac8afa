import { useId } from 'react';

export const OUTCOMES = ['created', 'updated', 'unchanged', 'disabled', 'trashed', 'restored', 'deleted', 'skipped', 'conflict', 'held'];

/** Filter a per-object list by outcome; counts (when known) say how many each would show. */
export function OutcomeFilter({ value, onChange, counts }: { value: string; onChange: (v: string) => void; counts?: Record<string, number> }) {
  const id = useId();
  return (
    <div className="field field-inline">
      <label htmlFor={id}>Outcome</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">All outcomes</option>
        {OUTCOMES.map((o) => (
          <option key={o} value={o}>
            {o}
            {counts && counts[o] !== undefined ? ` (${counts[o]})` : ''}
          </option>
        ))}
      </select>
    </div>
  );
}
