import { formatNumber } from '../format';

/** Previous/next paging for limit/offset lists, with where you are in words. */
export function Pager({
  total,
  limit,
  offset,
  onChange,
  label,
}: {
  total: number;
  limit: number;
  offset: number;
  onChange: (offset: number) => void;
  label: string;
}) {
  if (total <= limit && offset === 0) return <p className="pager-summary">{total === 0 ? '' : `${formatNumber(total)} in all`}</p>;
  const first = total === 0 ? 0 : offset + 1;
  const last = Math.min(offset + limit, total);
  return (
    <nav className="pager" aria-label={`${label} pages`}>
      <button type="button" onClick={() => onChange(Math.max(0, offset - limit))} disabled={offset === 0}>
        ← Previous
      </button>
      <span aria-live="polite">
        {formatNumber(first)}–{formatNumber(last)} of {formatNumber(total)}
      </span>
      <button type="button" onClick={() => onChange(offset + limit)} disabled={last >= total}>
        Next →
      </button>
    </nav>
  );
}
