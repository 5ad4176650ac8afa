/** Display helpers: one way to show a time, a duration and a count everywhere in the panel. */

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTime.format(d);
}

/** "3 minutes ago", "in 2 hours": for the times an admin scans (last sync, next sync). */
export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const ms = new Date(iso).getTime() - now;
  const abs = Math.abs(ms);
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['day', 86_400_000],
    ['hour', 3_600_000],
    ['minute', 60_000],
    ['second', 1000],
  ];
  for (const [unit, size] of units) if (abs >= size || unit === 'second') return relative.format(Math.round(ms / size), unit);
  return iso;
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return `${m} min ${s} s`;
}

const num = new Intl.NumberFormat();
export const formatNumber = (n: number) => num.format(n);

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}

/** A run's counts as a sentence: "3 created, 1 trashed" or "no changes". */
export function countsLine(c: Record<string, number> | undefined): string {
  if (!c) return '';
  const keys = ['created', 'updated', 'restored', 'disabled', 'trashed', 'deleted', 'skipped', 'conflict', 'held'];
  return keys.filter((k) => c[k]).map((k) => `${formatNumber(c[k])} ${k}`).join(', ') || 'no changes';
}

/** The first RDN's value of a DN, for a short label ("Engineering" for CN=Engineering,OU=…). */
export function rdnValue(dn: string): string {
  const m = /^[^=]+=((?:\\.|[^,])*)/.exec(dn);
  return m ? m[1].replace(/\\(.)/g, '$1') : dn;
}

export function formatValue(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (Array.isArray(v)) return v.length ? v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ') : '—';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
