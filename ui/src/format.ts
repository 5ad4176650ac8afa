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
  return (
    keys
      .filter((k) => c[k])
      .map((k) => `${formatNumber(c[k])} ${k}`)
      .join(', ') || 'no changes'
  );
}

/** The first RDN's value of a DN, for a short label ("Engineering" for CN=Engineering,OU=…). */
export function rdnValue(dn: string): string {
  const m = /^[^=]+=((?:\\.|[^,])*)/.exec(dn);
  return m ? m[1].replace(/\\(.)/g, '$1') : dn;
}

/** A phone as idsync stores it (E.164 number, optional extension), as people write it: "+15550100 ext. 12". */
export function formatPhone(p: { number: string; extension?: string | null }): string {
  return p.extension ? `${p.number} ext. ${p.extension}` : p.number;
}

const isPhone = (x: unknown): x is { number: string; extension?: string } =>
  !!x && typeof x === 'object' && typeof (x as { number?: unknown }).number === 'string';

/** Any attribute value for reading: lists joined, phones written out, never raw JSON for the known shapes. */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (Array.isArray(v)) return v.length ? v.map((x) => (isPhone(x) ? formatPhone(x) : typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ') : '—';
  if (isPhone(v)) return formatPhone(v);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

const ISO_IN_TEXT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})\b/g;

/** A reason written by the server ("expired on 2026-01-02T10:00:00.000Z") with its timestamps in the panel's time format. */
export function formatReason(text: string | null | undefined): string {
  if (!text) return '';
  return text.replace(ISO_IN_TEXT, (iso) => formatTime(iso));
}

/**
 * A configuration warning as an administrator reads it. The server words them for the file
 * (`directories[0].servers[0]: …`); for a directory made in the panel the server words them by the
 * directory's own fields (`servers[1]: …`), and the field is replaced by the server it names. Directories of the file
 * keep the path, which is where the fix goes.
 */
export function readableWarning(w: string, d?: { managedBy: string; servers: string[] }): string {
  if (d?.managedBy === 'file') return w;
  return w
    .replace(/(?:directories\[\d+\]\.)?\bservers\[(\d+)\]/g, (_, i: string) =>
      d?.servers[Number(i)] ? `Server ${d.servers[Number(i)]}` : `Server ${Number(i) + 1}`,
    )
    .replace(/directories\[\d+\]\./g, '');
}
