import type { ObjectChange, RunReport } from '../sync/report.js';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** The one-paragraph summary printed after a sync. */
export function summarize(r: RunReport): string {
  const c = r.counts;
  const what = r.kind === 'user' ? 'Single-user sync of' : r.dryRun ? 'Dry run of' : 'Synced';
  const lines = [
    `${what} directory "${r.directory}"${r.server ? ` from ${r.server}` : ''} in ${seconds(r.durationMs)}` +
      `${r.runId ? ` (run ${r.runId})` : ''}${r.dryRun ? ', nothing written' : ''}: ` +
      `${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged, ${c.restored} restored, ${c.disabled} disabled, ` +
      `${c.trashed} moved to the trash, ${c.deleted} deleted after the grace period, ` +
      `${c.skipped} skipped, ${plural(c.conflict, 'conflict')}${c.held ? `, ${c.held} removals held for approval` : ''}; ` +
      `groups: ${c.groupsCreated} created, ${c.groupsUpdated} updated, ${c.groupsDeleted} deleted; memberships: ${c.membersAdded} added, ` +
      `${c.membersRemoved} removed.`,
  ];
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  const skipped = r.changes.filter((x) => x.outcome === 'skipped' || x.outcome === 'conflict');
  for (const s of skipped.slice(0, 20)) lines.push(`${s.outcome}: ${s.name}: ${s.reason}`);
  if (skipped.length > 20) lines.push(`… and ${skipped.length - 20} more; see \`idsync runs show ${r.runId ?? ''}\``);
  return lines.join('\n');
}

function fmt(v: unknown): string {
  if (v === null || v === undefined) return '(none)';
  if (Array.isArray(v)) return v.length ? v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ') : '(none)';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

const ORDER: Record<string, string> = {
  created: 'Create',
  updated: 'Update',
  restored: 'Restore',
  disabled: 'Disable',
  trashed: 'Move to trash',
  held: 'Hold for approval',
  deleted: 'Delete',
  skipped: 'Skip',
  conflict: 'Conflict',
};

/** A dry run's plan, grouped by what would happen, with attribute-level before/after. */
export function formatPlan(r: RunReport): string {
  const out: string[] = [];
  for (const [outcome, title] of Object.entries(ORDER)) {
    const items = r.changes.filter((c) => c.outcome === outcome);
    if (!items.length) continue;
    out.push(`${title} (${items.length}):`);
    for (const c of items) out.push(...describe(c));
  }
  if (!out.length) out.push('No changes.');
  return out.join('\n');
}

function describe(c: ObjectChange): string[] {
  const head = `  ${c.objectType} ${c.name}${c.reason ? ` — ${c.reason}` : ''}${c.outcome === 'created' && c.item ? ` (via ${c.item})` : ''}`;
  const lines = [head];
  for (const [attr, ch] of Object.entries(c.attributes ?? {})) lines.push(`      ${attr}: ${fmt(ch.before)} → ${fmt(ch.after)}`);
  for (const w of c.warnings ?? []) lines.push(`      warning: ${w}`);
  return lines;
}
