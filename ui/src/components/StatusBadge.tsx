/**
 * A status as a coloured word: the colour helps scanning, the word carries the meaning (never
 * colour alone, for colour-blind admins and screen readers).
 */
const TONE: Record<string, string> = {
  active: 'ok',
  succeeded: 'ok',
  approved: 'ok',
  connected: 'ok',
  success: 'ok',
  created: 'ok',
  restored: 'ok',
  disabled: 'warn',
  held: 'warn',
  pending: 'warn',
  running: 'info',
  updated: 'info',
  unchanged: 'muted',
  skipped: 'muted',
  superseded: 'muted',
  interrupted: 'warn',
  trashed: 'trash',
  deleted: 'bad',
  failed: 'bad',
  failure: 'bad',
  rejected: 'muted',
  conflict: 'bad',
  disconnected: 'bad',
};

export function StatusBadge({ status, label }: { status: string; label?: string }) {
  return <span className={`badge badge-${TONE[status] ?? 'muted'}`}>{label ?? status}</span>;
}
